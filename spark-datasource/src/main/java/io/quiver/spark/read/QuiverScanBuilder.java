package io.quiver.spark.read;

import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterException;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.SparkFilters;
import io.quiver.spark.SparkSchemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/**
 * Spark calls {@link #pushFilters} → {@link #pruneColumns} → {@link #build}. Filters that {@link SparkFilters}
 * translates are pushed (segment stats skip segments, the filter bitmap drops rows); the rest, and inexact ones
 * (FLOAT/DOUBLE comparisons), are also evaluated by Spark after the scan.
 */
public final class QuiverScanBuilder implements ScanBuilder, SupportsPushDownFilters, SupportsPushDownRequiredColumns {
  private final QuiverOptions options;
  private final HadoopConf conf;
  private final Manifest manifest;
  private final CollectionSchema schema;
  private org.apache.spark.sql.sources.Filter[] pushed = new org.apache.spark.sql.sources.Filter[0];
  private final List<Filter> translated = new ArrayList<>();
  private StructType required;

  public QuiverScanBuilder(QuiverOptions options, HadoopConf conf, Manifest manifest) {
    this.options = options;
    this.conf = conf;
    this.manifest = manifest;
    this.schema = manifest.schema();
    this.required = SparkSchemas.toSpark(schema);
  }

  @Override
  public org.apache.spark.sql.sources.Filter[] pushFilters(org.apache.spark.sql.sources.Filter[] filters) {
    List<org.apache.spark.sql.sources.Filter> accepted = new ArrayList<>();
    List<org.apache.spark.sql.sources.Filter> postScan = new ArrayList<>();
    for (org.apache.spark.sql.sources.Filter f : filters) {
      Filter q = SparkFilters.translate(f, schema);
      if (q != null) {
        try {
          q.bind(schema);
        } catch (FilterException e) {
          q = null;
        }
      }
      if (q == null) {
        postScan.add(f);
        continue;
      }
      translated.add(q);
      accepted.add(f);
      if (!SparkFilters.isExact(f, schema)) {
        postScan.add(f);
      }
    }
    pushed = accepted.toArray(new org.apache.spark.sql.sources.Filter[0]);
    return postScan.toArray(new org.apache.spark.sql.sources.Filter[0]);
  }

  @Override
  public org.apache.spark.sql.sources.Filter[] pushedFilters() {
    return pushed;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    this.required = requiredSchema;
  }

  @Override
  public Scan build() {
    Filter filter = translated.isEmpty() ? null
        : translated.size() == 1 ? translated.get(0) : Filters.and(translated);
    return new QuiverScan(options, conf, manifest, required, filter, pushed);
  }
}
