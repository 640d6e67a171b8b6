package io.quiver.spark.jobs;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.LoadedSegment;
import io.quiver.engine.search.SegmentSearch;
import io.quiver.spark.Warehouses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.fs.FileUtil;
import org.roaringbitmap.RoaringBitmap;

/**
 * Executor-side cache of loaded segments (data + opened indexes) so the query batches of one kNN join that land on
 * the same executor load each segment once. Reference counted: a segment is closed only when no task uses it and
 * more than {@value #MAX_IDLE} idle segments are held.
 */
final class SegmentLeases {
  private static final int MAX_IDLE = 8;
  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
  private static IndexCache indexCache;
  private static BufferAllocator allocator;

  private static final class Entry {
    final LoadedSegment segment;
    int users;

    Entry(LoadedSegment segment) {
      this.segment = segment;
    }
  }

  private SegmentLeases() {}

  static synchronized IndexCache indexCache() {
    if (indexCache == null) {
      try {
        java.nio.file.Path dir = Files.createTempDirectory("quiver-index-cache");
        // one cache per executor JVM, for its whole life: gone with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtil.fullyDelete(dir.toFile()),
            "quiver-index-cache-cleanup"));
        indexCache = new IndexCache(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      allocator = Warehouses.allocator("knn-segments");
    }
    return indexCache;
  }

  /** Runs {@code work} with the segment loaded (from cache when another task loaded it). */
  static <T> T with(Catalog catalog, String collection, CollectionSchema schema, long snapshotId,
      SegmentEntry entry, RoaringBitmap hidden, Function<LoadedSegment, T> work) {
    String key = catalog.collectionDir(collection) + "@" + snapshotId + "/" + entry.id();
    Entry e;
    synchronized (SegmentLeases.class) {
      IndexCache cache = indexCache();
      e = ENTRIES.remove(key);
      if (e == null) {
        e = new Entry(SegmentSearch.load(catalog, collection, schema, entry, hidden, allocator, cache));
      }
      ENTRIES.put(key, e);
      e.users++;
    }
    try {
      return work.apply(e.segment);
    } finally {
      synchronized (SegmentLeases.class) {
        e.users--;
        evictIdle();
      }
    }
  }

  private static void evictIdle() {
    int idle = 0;
    for (Entry x : ENTRIES.values()) {
      if (x.users == 0) {
        idle++;
      }
    }
    for (Iterator<Entry> it = ENTRIES.values().iterator(); it.hasNext() && idle > MAX_IDLE; ) {
      Entry x = it.next();
      if (x.users == 0) {
        x.segment.close();
        it.remove();
        idle--;
      }
    }
  }
}
