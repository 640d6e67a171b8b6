package io.quiver.spark.read;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.read.SnapshotVisibility;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Driver-side cache of {@link SnapshotVisibility} per (collection directory, snapshot id): a version never changes,
 * so repeated scans of it read the key columns once. Holds bitmaps only; bounded to the 16 newest entries.
 */
public final class VisibilityCache {
  private static final int MAX = 16;
  private static final Map<String, SnapshotVisibility> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SnapshotVisibility> eldest) {
      return size() > MAX;
    }
  };

  private VisibilityCache() {}

  public static SnapshotVisibility get(Catalog catalog, Manifest manifest) {
    String key = catalog.collectionDir(manifest.collection()) + "@" + manifest.snapshotId();
    synchronized (CACHE) {
      SnapshotVisibility v = CACHE.get(key);
      if (v != null) {
        return v;
      }
    }
    SnapshotVisibility v = SnapshotVisibility.compute(catalog, manifest);
    synchronized (CACHE) {
      CACHE.put(key, v);
    }
    return v;
  }
}
