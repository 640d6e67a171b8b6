package io.quiver.spark.read;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentRowGroups;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.Warehouses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;
import org.roaringbitmap.RoaringBitmap;

/**
 * A scan of one manifest version: one input partition per segment that its stats do not rule out (one per row group
 * for a segment larger than {@code spark.sql.files.maxPartitionBytes}), plus one for the unsealed WAL tail when
 * asked. Visibility (upserts, deletes, tail) is computed once on the driver from the key
 * columns ({@link SnapshotVisibility}, cached per snapshot) and shipped to each task as its segment's hidden-row
 * bitmap. {@link #description()} (shown by {@code explain()}) names the version, snapshot id, pushed filters, read
 * columns and how many segments the stats skipped.
 */
public final class QuiverScan implements Scan, Batch {
  /** Spark's split size for file sources; a segment's data file larger than it is read by one task per row group. */
  static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";

  private final QuiverOptions options;
  private final HadoopConf conf;
  private final Manifest manifest;
  private final StructType required;
  @Nullable private final Filter filter;
  private final org.apache.spark.sql.sources.Filter[] pushed;
  private final List<SegmentEntry> kept = new ArrayList<>();
  private int skippedByStats;
  private InputPartition[] partitions;

  QuiverScan(QuiverOptions options, HadoopConf conf, Manifest manifest, StructType required, @Nullable Filter filter,
      org.apache.spark.sql.sources.Filter[] pushed) {
    this.options = options;
    this.conf = conf;
    this.manifest = manifest;
    this.required = required;
    this.filter = filter;
    this.pushed = pushed;
    BoundFilter bound = filter == null ? null : filter.bind(manifest.schema());
    for (SegmentEntry s : manifest.segments()) {
      if (s.rowCount() == 0) {
        continue;
      }
      if (bound != null && !bound.mightMatch(Predicates.view(s.stats()))) {
        skippedByStats++;
      } else {
        kept.add(s);
      }
    }
  }

  @Override
  public StructType readSchema() {
    return required;
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  /** Segments the stats ruled out. */
  public int segmentsSkippedByStats() {
    return skippedByStats;
  }

  public Manifest manifest() {
    return manifest;
  }

  @Override
  public String description() {
    return "QuiverScan[collection=" + manifest.collection() + ", version=" + manifest.version() + ", snapshot_id="
        + manifest.snapshotId() + ", segments=" + kept.size() + " of " + manifest.segments().size()
        + " (" + skippedByStats + " skipped by stats), PushedFilters: " + Arrays.toString(pushed)
        + ", QuiverFilter: " + (filter == null ? "none" : filter.toString()) + ", ReadSchema: "
        + required.catalogString() + (options.includeUnsealed() ? ", include_unsealed" : "") + "]";
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (partitions != null) {
      return partitions;
    }
    Catalog catalog = Warehouses.catalog(options.warehouse(), conf);
    CollectionSchema schema = manifest.schema();
    ReadContext ctx = new ReadContext(options.warehouse(), manifest.collection(), conf, schema, filter,
        List.of(required.fieldNames()), options.batchRows());
    List<InputPartition> out = new ArrayList<>();
    SnapshotVisibility vis;
    TailPartition tailPartition = null;
    if (options.includeUnsealed()) {
      WalTail tail = WalTail.read(manifest, options.kafkaProperties(), Duration.ofSeconds(60));
      vis = SnapshotVisibility.compute(catalog, manifest, List.of(tail), tail.deletes());
      tailPartition = tailPartition(ctx, tail, vis.extraHidden().get(0));
    } else {
      vis = VisibilityCache.get(catalog, manifest);
    }
    long splitBytes = JavaUtils.byteStringAsBytes(SparkSession.active().conf().get(MAX_PARTITION_BYTES, "128m"));
    for (SegmentEntry s : kept) {
      RoaringBitmap hidden = vis.hidden(s.id());
      if (hidden.getLongCardinality() < s.rowCount()) {
        split(catalog, ctx, s, hidden, splitBytes, out);
      }
    }
    if (tailPartition != null && !tailPartition.rows.isEmpty()) {
      out.add(tailPartition);
    }
    partitions = out.toArray(new InputPartition[0]);
    return partitions;
  }

  /**
   * One partition per row group for a segment larger than {@code splitBytes} (its footer is read here, on the
   * driver), else one for the whole segment: large segments are read by several tasks, as Spark splits Parquet
   * files.
   */
  private static void split(Catalog catalog, ReadContext ctx, SegmentEntry s, RoaringBitmap hidden, long splitBytes,
      List<InputPartition> out) {
    if (s.stats().dataBytes() <= splitBytes) {
      out.add(new SegmentPartition(ctx, s, 0, -1, 0, hidden));
      return;
    }
    try (SegmentRowGroups groups = SegmentRowGroups.open(catalog.conf(),
        SegmentFiles.segmentDir(catalog.collectionDir(ctx.collection), s.id()), ctx.schema(), Set.of())) {
      for (int g = 0; g < groups.rowGroupCount(); g++) {
        long first = groups.firstRow(g);
        long n = groups.rowCount(g);
        RoaringBitmap h = hidden.isEmpty() ? hidden
            : RoaringBitmap.addOffset(RoaringBitmap.and(hidden, RoaringBitmap.bitmapOfRange(first, first + n)), -first);
        if (h.getLongCardinality() < n) {
          out.add(new SegmentPartition(ctx, s, g, 1, first, h));
        }
      }
    }
  }

  private static TailPartition tailPartition(ReadContext ctx, WalTail tail, RoaringBitmap hidden) {
    BoundFilter bound = ctx.bound();
    List<Object[]> rows = new ArrayList<>();
    int n = ctx.schema().fields().size();
    for (int i = 0; i < tail.size(); i++) {
      Row r = tail.rows().get(i);
      if (hidden.contains(i) || (bound != null && !bound.test(r))) {
        continue;
      }
      Object[] values = new Object[n + 1];
      for (int f = 0; f < n; f++) {
        values[f] = r.get(f);
      }
      values[n] = r.meta();
      rows.add(values);
    }
    return new TailPartition(ctx, rows);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new QuiverReaderFactory();
  }
}
