package io.quiver.spark;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterException;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.spark.read.QuiverScanBuilder;
import io.quiver.spark.write.QuiverWriteBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.SupportsDelete;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.sources.AlwaysTrue;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Quiver collection as a Spark table, pinned to one manifest version for reads (the current one unless time
 * travel options or {@code VERSION/TIMESTAMP AS OF} chose another). Its {@link #properties()} report the version
 * and {@code snapshot-id}, so a job can pin what it read. Writes and deletes always go to the current version.
 */
public final class QuiverTable implements SupportsRead, SupportsWrite, SupportsDelete {
  private final String name;
  private final QuiverOptions options;
  private final HadoopConf conf;
  private final Manifest manifest;
  private final boolean acceptAnySchema;

  /**
   * @param acceptAnySchema true for {@code df.write.format("quiver")}: Quiver checks the DataFrame's columns itself
   *     (by name, with its own messages); false for catalog tables, where Spark maps {@code INSERT} columns by
   *     position and adds casts
   */
  public QuiverTable(String name, QuiverOptions options, HadoopConf conf, Manifest manifest,
      boolean acceptAnySchema) {
    this.name = name;
    this.options = options;
    this.conf = conf;
    this.manifest = manifest;
    this.acceptAnySchema = acceptAnySchema;
  }

  public Manifest manifest() {
    return manifest;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return Long.toString(manifest.version());
  }

  @Override
  public Column[] columns() {
    StructType st = SparkSchemas.toSpark(manifest.schema());
    List<Column> out = new ArrayList<>();
    for (StructField f : st.fields()) {
      out.add(Column.create(f.name(), f.dataType(), f.nullable(), null, f.metadata().json()));
    }
    return out.toArray(new Column[0]);
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return SparkSchemas.toSpark(manifest.schema());
  }

  @Override
  public Map<String, String> properties() {
    Map<String, String> p = new TreeMap<>();
    p.put("provider", "quiver");
    p.put("collection", manifest.collection());
    p.put("version", Long.toString(manifest.version()));
    p.put("snapshot-id", Long.toString(manifest.snapshotId()));
    p.put("shards", Integer.toString(manifest.shards()));
    p.put("primary_key", manifest.schema().primaryKey().name());
    p.put("auto_id", Boolean.toString(manifest.schema().primaryKey().isAutoId()));
    for (FieldSchema f : manifest.schema().vectorFields()) {
      p.put(f.name() + ".dim", Integer.toString(f.dim()));
      p.put(f.name() + ".metric", f.metric().name());
      IndexSpec spec = manifest.indexSpecs().get(f.name());
      if (spec != null) {
        p.put(f.name() + ".index", spec.kind());
      }
    }
    manifest.tags().forEach((t, v) -> p.put("tag." + t, Long.toString(v)));
    return p;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return acceptAnySchema
        ? Set.of(TableCapability.BATCH_READ, TableCapability.BATCH_WRITE, TableCapability.TRUNCATE,
            TableCapability.ACCEPT_ANY_SCHEMA)
        : Set.of(TableCapability.BATCH_READ, TableCapability.BATCH_WRITE, TableCapability.TRUNCATE);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    QuiverOptions o = options.with(scanOptions.asCaseSensitiveMap());
    Manifest m = manifest;
    if (o.timeTravel() && !options.timeTravel()) {
      m = Snapshots.resolve(catalog(), manifest.collection(), o);
    }
    return new QuiverScanBuilder(o, conf, m);
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    if (options.timeTravel()) {
      throw new IllegalArgumentException("Cannot write to " + name + " at a past version; drop the time travel "
          + "options");
    }
    QuiverOptions o = options.with(info.options().asCaseSensitiveMap());
    return new QuiverWriteBuilder(o, conf, catalog().current(manifest.collection()), info);
  }

  @Override
  public boolean canDeleteWhere(org.apache.spark.sql.sources.Filter[] filters) {
    return toQuiver(filters) != null;
  }

  @Override
  public void deleteWhere(org.apache.spark.sql.sources.Filter[] filters) {
    Filter f = toQuiver(filters);
    if (f == null) {
      throw new IllegalArgumentException("Cannot delete from " + name + ": filter " + List.of(filters)
          + " cannot be translated to a Quiver filter");
    }
    BatchDeletes.delete(catalog(), manifest.collection(), f);
  }

  private Filter toQuiver(org.apache.spark.sql.sources.Filter[] filters) {
    List<Filter> parts = new ArrayList<>();
    for (org.apache.spark.sql.sources.Filter f : filters) {
      if (f instanceof AlwaysTrue) {
        continue;
      }
      Filter q = SparkFilters.translate(f, manifest.schema());
      if (q == null) {
        return null;
      }
      try {
        q.bind(manifest.schema());
      } catch (FilterException e) {
        return null;
      }
      parts.add(q);
    }
    return parts.isEmpty() ? Filters.alwaysTrue() : parts.size() == 1 ? parts.get(0) : Filters.and(parts);
  }

  private Catalog catalog() {
    return Warehouses.catalog(options.warehouse(), conf);
  }
}
