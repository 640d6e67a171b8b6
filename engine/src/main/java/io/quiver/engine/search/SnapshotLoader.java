package io.quiver.engine.search;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.index.VectorIndexes;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.read.Visibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.fs.Path;
import org.roaringbitmap.RoaringBitmap;

/**
 * Loads a manifest version into memory for searching: every live segment (in parallel on the given pool), their
 * index files (through an {@link IndexCache}), the delete files, and the rows each hides under the row order rule.
 */
public final class SnapshotLoader {
  private SnapshotLoader() {}

  public static Snapshot load(Catalog catalog, Manifest manifest, BufferAllocator allocator,
      @Nullable IndexCache cache, ExecutorService pool) {
    return load(catalog, manifest, allocator, cache, pool, null);
  }

  /**
   * Loads only the segments of {@code partitions} (null: all), as Milvus loads only the partitions LoadPartitions
   * named. The other segments are read for their keys alone (primary key and order columns): a row of a loaded
   * partition may be superseded by a later write of its key to another partition, and the row order rule still hides
   * it. Those key columns are dropped once the hidden rows are known, so the snapshot holds no memory for the rest.
   */
  public static Snapshot load(Catalog catalog, Manifest manifest, BufferAllocator allocator,
      @Nullable IndexCache cache, ExecutorService pool, @Nullable Set<String> partitions) {
    Path dir = catalog.collectionDir(manifest.collection());
    CollectionSchema schema = manifest.schema();
    List<Future<LoadedSegment>> futures = new ArrayList<>();
    for (SegmentEntry e : manifest.segments()) {
      boolean held = holds(partitions, e);
      futures.add(pool.submit(() -> held ? loadSegment(catalog, dir, schema, e, allocator, cache)
          : loadKeys(catalog, dir, schema, e, allocator)));
    }
    List<LoadedSegment> segments = new ArrayList<>();
    try {
      for (Future<LoadedSegment> f : futures) {
        segments.add(f.get());
      }
      Visibility.Deletes deletes = readDeletes(catalog, dir, manifest);
      List<RoaringBitmap> hidden = Visibility.hidden(segments, deletes);
      List<LoadedSegment> kept = new ArrayList<>(segments.size());
      for (int i = 0; i < segments.size(); i++) {
        LoadedSegment s = segments.get(i);
        if (holds(partitions, s.entry())) {
          s.hide(hidden.get(i));
          kept.add(s);
        } else {
          s.close();
        }
      }
      return new Snapshot(manifest, kept, pool);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      segments.forEach(LoadedSegment::close);
      throw new IllegalStateException("Interrupted while loading " + manifest, e);
    } catch (ExecutionException e) {
      segments.forEach(LoadedSegment::close);
      for (Future<LoadedSegment> f : futures) {
        if (f.isDone() && !f.isCancelled()) {
          try {
            LoadedSegment s = f.get();
            if (!segments.contains(s)) {
              s.close();
            }
          } catch (InterruptedException | ExecutionException ignored) {
            // already failed
          }
        }
      }
      Throwable c = e.getCause();
      throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    }
  }

  /** Whether a snapshot of {@code partitions} (null: all) holds segment {@code e}. */
  public static boolean holds(@Nullable Set<String> partitions, SegmentEntry e) {
    return partitions == null || partitions.contains(e.stats().partition());
  }

  /** A segment's keys alone: primary key and the system columns (the row order), no field, no index. */
  private static LoadedSegment loadKeys(Catalog catalog, Path collectionDir, CollectionSchema schema, SegmentEntry e,
      BufferAllocator allocator) {
    return new LoadedSegment(e, SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(collectionDir, e.id()),
        schema, allocator, Set.of()), Map.of());
  }

  static LoadedSegment loadSegment(Catalog catalog, Path collectionDir, CollectionSchema schema, SegmentEntry e,
      BufferAllocator allocator, @Nullable IndexCache cache) {
    Set<String> onDisk = vectorsOnDisk(schema, e, cache);
    Set<String> columns = null;
    if (!onDisk.isEmpty()) {
      columns = new HashSet<>(schema.fieldNames());
      columns.add(CollectionSchema.DYNAMIC_FIELD);
      columns.removeAll(onDisk);
    }
    SegmentData data = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(collectionDir, e.id()), schema,
        allocator, columns);
    Map<String, VectorIndex> indexes = new HashMap<>();
    try {
      if (cache != null) {
        for (Map.Entry<String, IndexFile> i : e.indexes().entrySet()) {
          FieldSchema f = schema.field(i.getKey());
          if (f == null || "FLAT".equals(i.getValue().spec().kind())) {
            continue; // FLAT = the exact scan the searcher does anyway
          }
          VectorIndex index = cache.open(catalog.conf(), collectionDir, e.id(), f, i.getValue(),
              data.hasVectors(f.name()) ? VectorValues.of(data.vectors(f.name()), f.dim()) : null);
          indexes.put(f.name(), index);
          if (index.dimension() != f.dim() || index.count() != data.rowCount()) {
            throw new CorruptFileException(i.getValue().file(), "index of " + f.name()
                + " in segment " + e.id() + " holds " + index.count() + " vectors of dimension " + index.dimension()
                + ", the segment has " + data.rowCount() + " rows of dimension " + f.dim());
          }
        }
      }
      return new LoadedSegment(e, data, indexes);
    } catch (RuntimeException ex) {
      indexes.values().forEach(SnapshotLoader::closeQuietly);
      data.close();
      throw ex;
    }
  }

  /**
   * Vector fields whose index returns the exact rows from its own (memory-mapped) file: their column is not read
   * into memory (GRAPH_PQ over L2/IP, as DiskANN keeps only compressed codes in RAM). Only when indexes are opened.
   */
  private static Set<String> vectorsOnDisk(CollectionSchema schema, SegmentEntry e, @Nullable IndexCache cache) {
    Set<String> out = new HashSet<>();
    if (cache == null) {
      return out;
    }
    for (Map.Entry<String, IndexFile> i : e.indexes().entrySet()) {
      FieldSchema f = schema.field(i.getKey());
      String kind = i.getValue().spec().kind();
      if (f != null && !"FLAT".equals(kind) && VectorIndexes.factory(kind).holdsVectors(f.metric())) {
        out.add(f.name());
      }
    }
    return out;
  }

  private static void closeQuietly(VectorIndex index) {
    try {
      index.close();
    } catch (java.io.IOException ignored) {
      // unmapping is best effort
    }
  }

  static Visibility.Deletes readDeletes(Catalog catalog, Path collectionDir, Manifest manifest) {
    Visibility.Deletes deletes = new Visibility.Deletes();
    for (DeleteFileEntry d : manifest.deleteFiles()) {
      for (DeleteFiles.Delete del : DeleteFiles.read(catalog.conf(), new Path(collectionDir, d.path()),
          manifest.schema().primaryKey().type())) {
        deletes.add(del.pk(), d.sequenceNumber(), del.offset());
      }
    }
    return deletes;
  }
}
