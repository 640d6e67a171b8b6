package io.quiver.spark.read;

import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.Warehouses;
import java.io.Serializable;
import java.util.List;
import javax.annotation.Nullable;

/** What every read task of one scan shares: where, which schema, which filter, which columns. */
final class ReadContext implements Serializable {
  private static final long serialVersionUID = 1L;

  final String warehouse;
  final String collection;
  final HadoopConf conf;
  final String schemaJson;
  @Nullable final Filter filter;
  final List<String> columns;
  /** Rows per columnar batch of a segment read. */
  final int batchRows;
  private transient CollectionSchema schema;
  private transient BoundFilter bound;

  ReadContext(String warehouse, String collection, HadoopConf conf, CollectionSchema schema, @Nullable Filter filter,
      List<String> columns, int batchRows) {
    this.warehouse = warehouse;
    this.collection = collection;
    this.conf = conf;
    this.schemaJson = Warehouses.schemaJson(schema);
    this.filter = filter;
    this.columns = List.copyOf(columns);
    this.batchRows = batchRows;
    this.schema = schema;
  }

  synchronized CollectionSchema schema() {
    if (schema == null) {
      schema = Warehouses.schema(schemaJson);
    }
    return schema;
  }

  @Nullable
  synchronized BoundFilter bound() {
    if (filter == null) {
      return null;
    }
    if (bound == null) {
      bound = filter.bind(schema());
    }
    return bound;
  }
}
