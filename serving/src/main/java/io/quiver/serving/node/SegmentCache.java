package io.quiver.serving.node;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.IndexFiles;
import io.quiver.engine.segment.SegmentFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded local disk cache of segment files: object storage → local disk (LRU by bytes), laid out as a mirror of
 * the warehouse ({@code <dir>/<collection>/segments/<id>/...}, {@code <dir>/<collection>/deletes/...}) so the engine
 * reads it as a local warehouse ({@link #mirror()}). Every file is copied to a temporary name, its length checked
 * against what the manifest records (index files also their checksum; Parquet pages and the stats file carry their
 * own CRCs, verified when the engine reads them) and then moved into place.
 *
 * <p>Segments in use are pinned and never evicted; eviction removes the least recently used unpinned segments until
 * the cache fits its limit. Thread-safe.
 */
public final class SegmentCache {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentCache.class);

  private final Catalog remote;
  private final Path dir;
  private final long limitBytes;
  private final Catalog mirror;
  private final Map<String, Long> lru = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Integer> pins = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public SegmentCache(Catalog remote, Path dir, long limitBytes) {
    this.remote = remote;
    this.dir = dir;
    this.limitBytes = limitBytes;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the segment cache directory " + dir, e);
    }
    this.mirror = Catalog.open(dir.toUri().toString(), new Configuration());
  }

  /** The local mirror as a catalog (for the engine's segment and delete readers; never committed to). */
  public Catalog mirror() {
    return mirror;
  }

  public Path dir() {
    return dir;
  }

  public long bytes() {
    return bytes.get();
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  /** Makes the segment's files local and pins it; {@link #unpin} when the snapshot using it is closed. */
  public void fetchAndPin(String collection, SegmentEntry segment) {
    String key = collection + "/" + segment.id();
    pins.merge(key, 1, Integer::sum);
    synchronized (this) {
      if (lru.get(key) != null) {
        hits.incrementAndGet();
        return;
      }
    }
    misses.incrementAndGet();
    org.apache.hadoop.fs.Path remoteDir = SegmentFiles.segmentDir(remote.collectionDir(collection), segment.id());
    Path localDir = dir.resolve(collection).resolve("segments").resolve(segment.id());
    long total = 0;
    try {
      Files.createDirectories(localDir);
      total += copy(remoteDir, SegmentFiles.DATA_FILE, localDir, segment.stats().dataBytes(), false);
      total += copy(remoteDir, SegmentFiles.STATS_FILE, localDir, -1, false);
      for (IndexFile i : segment.indexes().values()) {
        total += copy(remoteDir, i.file(), localDir, i.bytes(), true);
      }
    } catch (IOException e) {
      pins.merge(key, -1, Integer::sum);
      throw new UncheckedIOException("Cannot cache segment " + key + " from " + remoteDir, e);
    }
    synchronized (this) {
      lru.put(key, total);
    }
    bytes.addAndGet(total);
    evict();
  }

  /** Copies a delete file into the mirror (small; kept with its collection). */
  public void fetchDeletes(String collection, DeleteFileEntry d) {
    org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(remote.collectionDir(collection), d.path());
    Path target = dir.resolve(collection).resolve(d.path());
    if (Files.exists(target)) {
      return;
    }
    try {
      Files.createDirectories(target.getParent());
      copyFile(src, target, d.bytes(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot cache delete file " + src, e);
    }
  }

  public void unpin(String collection, String segmentId) {
    pins.computeIfPresent(collection + "/" + segmentId, (k, v) -> v <= 1 ? null : v - 1);
    evict();
  }

  private long copy(org.apache.hadoop.fs.Path remoteDir, String name, Path localDir, long expected, boolean index)
      throws IOException {
    Path target = localDir.resolve(name);
    if (Files.exists(target) && (expected < 0 || Files.size(target) == expected)) {
      return Files.size(target);
    }
    return copyFile(new org.apache.hadoop.fs.Path(remoteDir, name), target, expected, index);
  }

  private long copyFile(org.apache.hadoop.fs.Path src, Path target, long expected, boolean index) throws IOException {
    FileSystem fs = src.getFileSystem(remote.conf());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + Thread.currentThread().getId());
    try (InputStream in = fs.open(src)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    long len = Files.size(tmp);
    if (expected >= 0 && len != expected) {
      Files.deleteIfExists(tmp);
      throw new IOException("Corrupt copy of " + src + ": " + len + " bytes, the manifest records " + expected);
    }
    if (index) {
      IndexFiles.verifyChecksum(tmp);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return len;
  }

  private void evict() {
    while (bytes.get() > limitBytes) {
      String victim = null;
      long size = 0;
      synchronized (this) {
        for (Map.Entry<String, Long> e : lru.entrySet()) {
          if (!pins.containsKey(e.getKey())) {
            victim = e.getKey();
            size = e.getValue();
            break;
          }
        }
        if (victim == null) {
          return; // everything is pinned: over the limit until a snapshot is released
        }
        lru.remove(victim);
      }
      bytes.addAndGet(-size);
      int slash = victim.indexOf('/');
      deleteTree(dir.resolve(victim.substring(0, slash)).resolve("segments").resolve(victim.substring(slash + 1)));
      LOG.debug("Evicted segment {} ({} bytes) from the cache", victim, size);
    }
  }

  /** Keys currently cached ({@code collection/segment}). */
  public synchronized Set<String> cached() {
    return Set.copyOf(lru.keySet());
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", p, e.toString());
    }
  }
}
