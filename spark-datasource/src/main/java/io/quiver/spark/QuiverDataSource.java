package io.quiver.spark;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("quiver")} / {@code df.write.format("quiver")}: options in {@link QuiverOptions}. A write
 * to a collection that does not exist creates it from the DataFrame's schema and the options
 * {@code primary_key}, {@code auto_id}, {@code <vector>.dim}, {@code <vector>.metric}, {@code shards},
 * {@code <vector>.index}.
 */
public final class QuiverDataSource implements TableProvider, DataSourceRegister {
  @Override
  public String shortName() {
    return "quiver";
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    QuiverOptions o = QuiverOptions.of(options.asCaseSensitiveMap());
    Catalog catalog = Warehouses.catalog(o.warehouse(), HadoopConf.of(o));
    return SparkSchemas.toSpark(Snapshots.resolve(catalog, o.collection(), o).schema());
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    QuiverOptions o = QuiverOptions.of(properties);
    HadoopConf conf = HadoopConf.of(o);
    Catalog catalog = Warehouses.catalog(o.warehouse(), conf);
    String collection = o.collection();
    if (!catalog.exists(collection)) {
      if (schema == null || o.get(QuiverOptions.PRIMARY_KEY) == null) {
        throw new IllegalArgumentException("Collection '" + collection + "' does not exist in " + o.warehouse()
            + "; to create it on write, give options primary_key and <vector>.dim");
      }
      create(catalog, collection, schema, o.asMap());
    }
    Manifest m = Snapshots.resolve(catalog, collection, o);
    return new QuiverTable("quiver." + collection, o, conf, m, true);
  }

  /** Creates a collection from Spark columns and properties (see {@link SparkSchemas#fromSpark}). */
  static Manifest create(Catalog catalog, String collection, StructType schema, Map<String, String> props) {
    CollectionSchema cs = SparkSchemas.fromSpark(schema, props);
    String shards = props.getOrDefault(QuiverOptions.SHARDS, "1");
    int n;
    try {
      n = Integer.parseInt(shards.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Property 'shards' must be an integer, got '" + shards + "'");
    }
    return catalog.create(collection, cs, n, SparkSchemas.indexSpecs(cs, props), Map.of());
  }
}
