package io.quiver.engine.read;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.FieldStats;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.fs.Path;
import org.roaringbitmap.RoaringBitmap;

/**
 * The rows a manifest version hides, per segment, computed from a small key index: only the primary key,
 * {@code __seq} and {@code __offset} columns of each segment are read (about 24 bytes a row), never scalars or
 * vectors. Batch readers (Spark scans, compaction, batch search) compute this once on the driver and ship each task
 * its segment's bitmap, so a task reads only its own segment.
 *
 * <p>Fast path: without delete files and extra sources, when the segments' primary key ranges (from their stats)
 * do not overlap, no key can appear twice and nothing is read.
 */
public final class SnapshotVisibility {
  private final Map<String, RoaringBitmap> hidden;
  private final List<RoaringBitmap> extraHidden;
  private final boolean keysRead;

  private SnapshotVisibility(Map<String, RoaringBitmap> hidden, List<RoaringBitmap> extraHidden, boolean keysRead) {
    this.hidden = hidden;
    this.extraHidden = extraHidden;
    this.keysRead = keysRead;
  }

  /** Visibility of {@code manifest} alone. */
  public static SnapshotVisibility compute(Catalog catalog, Manifest manifest) {
    return compute(catalog, manifest, List.of(), new Visibility.Deletes());
  }

  /**
   * Visibility of {@code manifest} plus extra sources (the unsealed WAL tail, whose rows and deletes carry
   * {@link RowOrder#TAIL}).
   */
  public static SnapshotVisibility compute(Catalog catalog, Manifest manifest, List<? extends Visibility.Rows> extra,
      Visibility.Deletes extraDeletes) {
    List<SegmentEntry> segments = manifest.segments();
    if (manifest.deleteFiles().isEmpty() && extra.isEmpty() && extraDeletes.size() == 0
        && disjointKeys(manifest.schema(), segments)) {
      Map<String, RoaringBitmap> none = new LinkedHashMap<>();
      segments.forEach(s -> none.put(s.id(), new RoaringBitmap()));
      return new SnapshotVisibility(none, List.of(), false);
    }
    List<Visibility.Rows> sources = new ArrayList<>(readKeys(catalog, manifest, segments));
    sources.addAll(extra);
    Visibility.Deletes deletes = readDeletes(catalog, manifest);
    extraDeletes.forEach(deletes::add);
    List<RoaringBitmap> bitmaps = Visibility.hidden(sources, deletes);
    Map<String, RoaringBitmap> bySegment = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      bySegment.put(segments.get(i).id(), bitmaps.get(i));
    }
    return new SnapshotVisibility(bySegment, bitmaps.subList(segments.size(), bitmaps.size()), true);
  }

  /** The hidden rows of a segment of the manifest (empty when none). */
  public RoaringBitmap hidden(String segmentId) {
    RoaringBitmap b = hidden.get(segmentId);
    if (b == null) {
      throw new IllegalArgumentException("Segment " + segmentId + " is not part of this snapshot");
    }
    return b;
  }

  /** Hidden rows of the extra sources, in the order given. */
  public List<RoaringBitmap> extraHidden() {
    return Collections.unmodifiableList(extraHidden);
  }

  /** False when the fast path proved nothing hidden without reading a file. */
  public boolean keysRead() {
    return keysRead;
  }

  /** Rows hidden across all segments. */
  public long hiddenRows() {
    long n = 0;
    for (RoaringBitmap b : hidden.values()) {
      n += b.getLongCardinality();
    }
    return n;
  }

  /** True when no two segments' primary key ranges overlap (so no key can be in two segments). */
  static boolean disjointKeys(CollectionSchema schema, List<SegmentEntry> segments) {
    String pk = schema.primaryKey().name();
    List<Object[]> ranges = new ArrayList<>();
    for (SegmentEntry s : segments) {
      FieldStats f = s.stats().field(pk);
      if (f == null || f.min() == null || f.max() == null) {
        if (s.rowCount() == 0) {
          continue;
        }
        return false;
      }
      ranges.add(new Object[] {f.min(), f.max()});
    }
    Comparator<Object> cmp = SnapshotVisibility::comparePk;
    ranges.sort((a, b) -> cmp.compare(a[0], b[0]));
    for (int i = 1; i < ranges.size(); i++) {
      if (cmp.compare(ranges.get(i)[0], ranges.get(i - 1)[1]) <= 0) {
        return false;
      }
    }
    return true;
  }

  /** Primary keys in the order segment stats use: longs numerically, strings by code point. */
  public static int comparePk(Object a, Object b) {
    if (a instanceof Long && b instanceof Long) {
      return Long.compare((Long) a, (Long) b);
    }
    String x = a.toString();
    String y = b.toString();
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int ca = x.codePointAt(i);
      int cb = y.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }

  /** Reads the key columns of {@code segments} in parallel. */
  public static List<SegmentKeys> readKeys(Catalog catalog, Manifest manifest, List<SegmentEntry> segments) {
    if (segments.isEmpty()) {
      return List.of();
    }
    Path dir = catalog.collectionDir(manifest.collection());
    int threads = Math.min(4, segments.size());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "quiver-key-reader");
      t.setDaemon(true);
      return t;
    });
    try (BufferAllocator allocator = new RootAllocator()) {
      List<Future<SegmentKeys>> futures = new ArrayList<>();
      for (SegmentEntry e : segments) {
        futures.add(pool.submit(() -> SegmentKeys.read(catalog, dir, manifest.schema(), e, allocator)));
      }
      List<SegmentKeys> out = new ArrayList<>();
      for (Future<SegmentKeys> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the keys of " + manifest, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every delete of a manifest, ordered by (delete file sequence number, delete offset). */
  public static Visibility.Deletes readDeletes(Catalog catalog, Manifest manifest) {
    Visibility.Deletes deletes = new Visibility.Deletes();
    Path dir = catalog.collectionDir(manifest.collection());
    for (DeleteFileEntry d : manifest.deleteFiles()) {
      for (DeleteFiles.Delete del : DeleteFiles.read(catalog.conf(), new Path(dir, d.path()),
          manifest.schema().primaryKey().type())) {
        deletes.add(del.pk(), d.sequenceNumber(), del.offset());
      }
    }
    return deletes;
  }

  /** The key columns of one segment: primary keys, effective sequence numbers and offsets. */
  public static final class SegmentKeys implements Visibility.Rows {
    private final SegmentEntry entry;
    private final Object[] pks;
    private final long[] seq;
    private final long[] offsets;

    SegmentKeys(SegmentEntry entry, Object[] pks, long[] seq, long[] offsets) {
      this.entry = entry;
      this.pks = pks;
      this.seq = seq;
      this.offsets = offsets;
    }

    static SegmentKeys read(Catalog catalog, Path collectionDir, CollectionSchema schema, SegmentEntry e,
        BufferAllocator allocator) {
      try (SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(collectionDir, e.id()),
          schema, allocator, Set.of())) {
        int n = d.rowCount();
        Object[] pks = new Object[n];
        FieldSchema pk = schema.primaryKey();
        for (int i = 0; i < n; i++) {
          pks[i] = d.value(pk, i);
        }
        long[] seq = d.sequenceNumbers().clone();
        for (int i = 0; i < n; i++) {
          seq[i] = RowOrder.effectiveSeq(seq[i], e.sequenceNumber());
        }
        return new SegmentKeys(e, pks, seq, d.offsets().clone());
      }
    }

    public SegmentEntry entry() {
      return entry;
    }

    @Override
    public int size() {
      return pks.length;
    }

    @Override
    public Object pk(int ord) {
      return pks[ord];
    }

    @Override
    public long seq(int ord) {
      return seq[ord];
    }

    @Override
    public long offset(int ord) {
      return offsets[ord];
    }
  }
}
