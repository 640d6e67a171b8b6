package io.quiver.spark.write;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.Warehouses;
import java.io.Serializable;
import org.apache.spark.sql.types.StructType;

/** Everything a write task needs, shipped once per job. */
final class WriteSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  final String warehouse;
  final String collection;
  final HadoopConf conf;
  final String schemaJson;
  final int shards;
  final String writeId;
  final String partition;
  final QuiverOptions.OnDuplicate onDuplicate;
  final long segmentRows;
  final RowConverter converter;
  /** First AutoIds node id of this job's tasks (random per job): task {@code p} uses {@code (base + p) mod 4096}. */
  final int autoIdNodeBase;
  private transient CollectionSchema schema;

  WriteSpec(String warehouse, String collection, HadoopConf conf, CollectionSchema schema, int shards,
      String writeId, String partition, QuiverOptions.OnDuplicate onDuplicate, long segmentRows, StructType input) {
    this.warehouse = warehouse;
    this.collection = collection;
    this.conf = conf;
    this.schemaJson = Warehouses.schemaJson(schema);
    this.shards = shards;
    this.writeId = writeId;
    this.partition = partition;
    this.onDuplicate = onDuplicate;
    this.segmentRows = segmentRows;
    this.converter = new RowConverter(input, schema);
    this.autoIdNodeBase = new java.security.SecureRandom().nextInt(io.quiver.wal.AutoIds.MAX_NODE + 1);
    this.schema = schema;
  }

  synchronized CollectionSchema schema() {
    if (schema == null) {
      schema = Warehouses.schema(schemaJson);
    }
    return schema;
  }
}
