package io.quiver.flink.table;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.NoSuchCollectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code 'connector' = 'quiver'}: an upsert sink writing a table's changelog into a collection's WAL.
 *
 * <pre>
 * CREATE TABLE docs (id BIGINT, emb ARRAY&lt;FLOAT&gt;, tag STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
 *   'connector' = 'quiver', 'collection' = 'docs', 'bootstrap.servers' = '127.0.0.1:9092',
 *   'warehouse' = 's3a://bucket/wh', 'fields.emb.dim' = '128', 'hadoop.fs.s3a.endpoint' = '...')
 * </pre>
 *
 * Everything is checked here, at planning time, before a record is written: unknown options, the collection's
 * existence, every column against the collection's schema ({@link FlinkSchemas#check}).
 */
public final class QuiverDynamicTableFactory implements DynamicTableSinkFactory {
  public static final String IDENTIFIER = "quiver";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(QuiverTableOptions.COLLECTION, QuiverTableOptions.BOOTSTRAP_SERVERS, QuiverTableOptions.WAREHOUSE);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(QuiverTableOptions.SINK_PARALLELISM);
  }

  @Override
  public DynamicTableSink createDynamicTableSink(Context context) {
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    helper.validateExcept(QuiverTableOptions.HADOOP_PREFIX, QuiverTableOptions.KAFKA_PREFIX,
        QuiverTableOptions.FIELDS_PREFIX);
    ReadableConfig options = helper.getOptions();
    String table = context.getObjectIdentifier().asSummaryString();
    Map<String, String> all = context.getCatalogTable().getOptions();
    Map<String, String> hadoop = prefixed(all, QuiverTableOptions.HADOOP_PREFIX);
    Map<String, String> kafka = prefixed(all, QuiverTableOptions.KAFKA_PREFIX);
    Map<String, Integer> dims = new HashMap<>();
    prefixed(all, QuiverTableOptions.FIELDS_PREFIX).forEach((k, v) -> {
      if (!k.endsWith(".dim")) {
        throw new ValidationException("Table " + table + ": unsupported option 'fields." + k + "'; per-column "
            + "options are 'fields.<column>.dim'");
      }
      String col = k.substring(0, k.length() - ".dim".length());
      try {
        dims.put(col, Integer.parseInt(v));
      } catch (NumberFormatException e) {
        throw new ValidationException("Table " + table + ": option 'fields." + k + "' must be a whole number, got '"
            + v + "'");
      }
    });
    String collection = options.get(QuiverTableOptions.COLLECTION);
    String warehouse = options.get(QuiverTableOptions.WAREHOUSE);
    Manifest m;
    try {
      m = Catalog.open(warehouse, hadoop).current(collection);
    } catch (NoSuchCollectionException e) {
      throw new ValidationException("Table " + table + ": collection '" + collection + "' does not exist in "
          + warehouse, e);
    }
    ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
    List<Column> columns = new ArrayList<>(schema.getColumns());
    List<String> pk = schema.getPrimaryKey().map(UniqueConstraint::getColumns).orElse(List.of());
    FlinkSchemas.check(table, m.schema(), columns, pk, dims);
    List<String> names = new ArrayList<>();
    columns.forEach(c -> names.add(c.getName()));
    WalRowSink sink = new WalRowSink(options.get(QuiverTableOptions.BOOTSTRAP_SERVERS), collection,
        io.quiver.engine.schema.SchemaParser.toJson(m.schema()).toString(), m.shards(), names, kafka);
    return new QuiverDynamicTableSink(sink, options.getOptional(QuiverTableOptions.SINK_PARALLELISM).orElse(null));
  }

  private static Map<String, String> prefixed(Map<String, String> all, String prefix) {
    Map<String, String> out = new HashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }
}
