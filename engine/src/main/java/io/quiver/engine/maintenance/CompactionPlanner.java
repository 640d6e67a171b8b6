package io.quiver.engine.maintenance;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.FieldStats;
import io.quiver.engine.segment.SegmentFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;

/**
 * Plans a compaction of one manifest version: per (partition, shard), bin-packs small segments (and segments where
 * many rows are hidden) up to a target size, oldest commit first, and decides which delete files can be retired
 * (see the package documentation for the rule). Pure planning: reads only delete files (to know their keys).
 */
public final class CompactionPlanner {
  private final long targetBytes;
  private final long smallBytes;
  private final double hiddenFraction;

  /**
   * @param targetBytes the data size a merged segment should not exceed (estimated from its inputs)
   * @param smallBytes segments smaller than this are merged
   * @param hiddenFraction segments with at least this fraction of hidden rows are rewritten whatever their size
   */
  public CompactionPlanner(long targetBytes, long smallBytes, double hiddenFraction) {
    if (targetBytes <= 0 || smallBytes <= 0) {
      throw new IllegalArgumentException("Cannot plan a compaction: target size " + targetBytes
          + " and small-segment size " + smallBytes + " must be positive");
    }
    if (!(hiddenFraction > 0 && hiddenFraction <= 1)) {
      throw new IllegalArgumentException("Cannot plan a compaction: hidden fraction " + hiddenFraction
          + " must be in (0, 1]");
    }
    this.targetBytes = targetBytes;
    this.smallBytes = smallBytes;
    this.hiddenFraction = hiddenFraction;
  }

  /** Defaults: 128 MiB target, segments under 96 MiB merged, segments with 20 % hidden rows rewritten. */
  public static CompactionPlanner defaults() {
    return new CompactionPlanner(128L << 20, 96L << 20, 0.2);
  }

  public CompactionPlan plan(Catalog catalog, Manifest manifest, SnapshotVisibility visibility) {
    Path dir = catalog.collectionDir(manifest.collection());
    return plan(manifest, visibility, d -> keysOf(catalog, dir, manifest, d));
  }

  /** Plans with {@code deleteKeys} giving the keys of a delete file (tests pass them in). */
  public CompactionPlan plan(Manifest manifest, SnapshotVisibility visibility,
      Function<DeleteFileEntry, Set<Object>> deleteKeys) {
    String planId = UUID.randomUUID().toString();
    Map<String, List<SegmentEntry>> buckets = new TreeMap<>();
    for (SegmentEntry s : manifest.segments()) {
      long hidden = visibility.hidden(s.id()).getLongCardinality();
      boolean small = s.stats().dataBytes() < smallBytes;
      boolean mostlyHidden = s.rowCount() > 0 && hidden >= hiddenFraction * s.rowCount();
      if (small || mostlyHidden) {
        buckets.computeIfAbsent(s.stats().partition() + "\u0000" + s.stats().shard(), k -> new ArrayList<>()).add(s);
      }
    }
    List<CompactionGroup> groups = new ArrayList<>();
    for (List<SegmentEntry> bucket : buckets.values()) {
      bucket.sort(Comparator.comparingLong(SegmentEntry::sequenceNumber).thenComparing(SegmentEntry::id));
      List<SegmentEntry> bin = new ArrayList<>();
      long binBytes = 0;
      for (SegmentEntry s : bucket) {
        long bytes = s.stats().dataBytes();
        if (!bin.isEmpty() && binBytes + bytes > targetBytes) {
          addGroup(groups, bin, visibility, planId);
          bin = new ArrayList<>();
          binBytes = 0;
        }
        bin.add(s);
        binBytes += bytes;
      }
      addGroup(groups, bin, visibility, planId);
    }
    Set<String> inputs = new HashSet<>();
    groups.forEach(g -> g.inputs().forEach(s -> inputs.add(s.id())));
    List<String> retired = new ArrayList<>();
    if (!inputs.isEmpty()) {
      for (DeleteFileEntry d : manifest.deleteFiles()) {
        if (retirable(manifest, d, inputs, deleteKeys)) {
          retired.add(d.path());
        }
      }
    }
    return new CompactionPlan(manifest.collection(), manifest.version(), planId, groups, retired);
  }

  private static void addGroup(List<CompactionGroup> groups, List<SegmentEntry> bin, SnapshotVisibility visibility,
      String planId) {
    if (bin.isEmpty()) {
      return;
    }
    boolean worthIt = bin.size() >= 2 || !visibility.hidden(bin.get(0).id()).isEmpty();
    if (!worthIt) {
      return;
    }
    SegmentEntry first = bin.get(0);
    String outputId = SegmentFiles.batchSegmentId("c", planId + "/" + groups.size());
    groups.add(new CompactionGroup(first.stats().shard(), first.stats().partition(), bin, outputId));
  }

  /** True when no live segment outside the compaction can hold a key this delete file deletes. */
  static boolean retirable(Manifest manifest, DeleteFileEntry d, Set<String> inputs,
      Function<DeleteFileEntry, Set<Object>> deleteKeys) {
    List<SegmentEntry> others = new ArrayList<>();
    for (SegmentEntry s : manifest.segments()) {
      int shard = s.stats().shard();
      if (!inputs.contains(s.id()) && (shard < 0 || shard == d.shard()) && s.rowCount() > 0) {
        others.add(s);
      }
    }
    if (others.isEmpty()) {
      return true;
    }
    Set<Object> keys = deleteKeys.apply(d);
    String pk = manifest.schema().primaryKey().name();
    for (SegmentEntry s : others) {
      FieldStats f = s.stats().field(pk);
      if (f == null || f.min() == null || f.max() == null) {
        return false;
      }
      for (Object k : keys) {
        if (SnapshotVisibility.comparePk(k, f.min()) >= 0 && SnapshotVisibility.comparePk(k, f.max()) <= 0) {
          return false;
        }
      }
    }
    return true;
  }

  private static Set<Object> keysOf(Catalog catalog, Path dir, Manifest manifest, DeleteFileEntry d) {
    Set<Object> keys = new HashSet<>();
    for (DeleteFiles.Delete del : DeleteFiles.read(catalog.conf(), new Path(dir, d.path()),
        manifest.schema().primaryKey().type())) {
      keys.add(del.pk());
    }
    return keys;
  }
}
