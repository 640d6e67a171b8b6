package io.quiver.serving.node;

import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.Snapshot;
import io.quiver.engine.search.SnapshotLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a node serves for one (collection, shard): the shard's sealed segments of the newest loaded manifest (through
 * the {@link SegmentCache}; when only some partitions are loaded, only theirs are held in memory, see {@link
 * SnapshotLoader}) and its {@link ShardTail}. {@link #snapshot()} combines them under the row order rule.
 * A new manifest is loaded beside the old one, swapped in, and then the tail drops what it covers (handoff).
 */
final class ShardState implements AutoCloseable {
  private final String collection;
  private final int shard;
  private final SegmentCache cache;
  private final IndexCache indexCache;
  private final BufferAllocator allocator;
  private final ExecutorService pool;
  private final DeferredCloser closer;
  private final ShardTail tail;
  private volatile Sealed sealed;
  private volatile Combined combined;

  /**
   * {@code manifest}: this shard's part of {@code full}; {@code partitions}: those whose sealed segments are loaded
   * (null: all, as the collection's load state says).
   */
  private record Sealed(Manifest full, Manifest manifest, @Nullable Set<String> partitions, Snapshot snapshot) {}

  private record Combined(Sealed sealed, long tailVersion, Snapshot snapshot) {}

  ShardState(String collection, int shard, Manifest manifest, String bootstrap, SegmentCache cache,
      IndexCache indexCache, BufferAllocator allocator, ExecutorService pool, DeferredCloser closer,
      @Nullable Set<String> partitions, long tailFetchWaitMillis) {
    this.collection = collection;
    this.shard = shard;
    this.cache = cache;
    this.indexCache = indexCache;
    this.allocator = allocator;
    this.pool = pool;
    this.closer = closer;
    this.sealed = load(manifest, partitions);
    this.tail = new ShardTail(bootstrap, collection, shard, manifest.schema(), manifest.committedOffset(shard),
        allocator, closer, tailFetchWaitMillis);
  }

  int shard() {
    return shard;
  }

  long manifestVersion() {
    return sealed.manifest().version();
  }

  Manifest manifest() {
    return sealed.manifest();
  }

  ShardTail tail() {
    return tail;
  }

  /** Bytes of sealed data held (of the partitions loaded). */
  long bytes() {
    Sealed now = sealed;
    long b = 0;
    for (SegmentEntry s : now.manifest().segments()) {
      if (SnapshotLoader.holds(now.partitions(), s)) {
        b += s.stats().dataBytes();
      }
    }
    return b;
  }

  /** True when every WAL offset up to {@code offset} is visible (in the tail or covered by the manifest). */
  boolean reached(long offset) {
    return tail.position() > offset || sealed.manifest().committedOffset(shard) >= offset;
  }

  /** Sealed rows and tail rows, the row order rule applied across both. Cached until either changes. */
  Snapshot snapshot() {
    Sealed s = sealed;
    ShardTail.View v = tail.view();
    Combined c = combined;
    if (c != null && c.sealed() == s && c.tailVersion() == v.version()) {
      return c.snapshot();
    }
    Snapshot snap = v.chunks().isEmpty() && v.deletes().size() == 0 ? s.snapshot()
        : s.snapshot().withTail(v.chunks(), v.deletes());
    combined = new Combined(s, v.version(), snap);
    return snap;
  }

  /** The partitions loaded (null: all). */
  @Nullable
  Set<String> partitions() {
    return sealed.partitions();
  }

  /** Whether a read of {@code wanted} (empty: every partition) finds all of their sealed rows loaded here. */
  boolean serves(List<String> wanted) {
    Set<String> p = sealed.partitions();
    return p == null || (!wanted.isEmpty() && p.containsAll(wanted));
  }

  /**
   * Loads {@code next} (or the current manifest again, for other {@code parts}: null = all) if it is newer or the
   * partitions to load changed, swaps it in, then lets the tail drop what a newer manifest covers.
   */
  void refresh(Manifest next, @Nullable Set<String> parts) {
    Sealed old = sealed;
    boolean newer = next.version() > old.manifest().version();
    if (!newer && Objects.equals(parts, old.partitions())) {
      return;
    }
    Manifest m = newer ? next : old.full();
    Sealed fresh = load(m, parts);
    sealed = fresh;
    if (newer) {
      tail.trim(next.committedOffset(shard));
    }
    retire(old);
  }

  private Sealed load(Manifest full, @Nullable Set<String> parts) {
    List<SegmentEntry> segs = new ArrayList<>();
    for (SegmentEntry s : full.segments()) {
      // Bulk imports (shard -1) go with shard 0: keys of one shard only are assumed there (see README).
      if (Math.max(0, s.stats().shard()) == shard) {
        segs.add(s);
      }
    }
    List<DeleteFileEntry> dels = new ArrayList<>();
    for (DeleteFileEntry d : full.deleteFiles()) {
      if (d.shard() == shard) {
        dels.add(d);
      }
    }
    Manifest mine = full.toBuilder().segments(segs).deleteFiles(dels).build();
    List<SegmentEntry> pinned = new ArrayList<>();
    try {
      for (SegmentEntry s : segs) {
        cache.fetchAndPin(collection, s);
        pinned.add(s);
      }
      for (DeleteFileEntry d : dels) {
        cache.fetchDeletes(collection, d);
      }
      return new Sealed(full, mine, parts,
          SnapshotLoader.load(cache.mirror(), mine, allocator, indexCache, pool, parts));
    } catch (RuntimeException e) {
      pinned.forEach(s -> cache.unpin(collection, s.id()));
      throw e;
    }
  }

  /** Searches may still use the old snapshot: close it (and unpin its files) a while later. */
  private void retire(Sealed old) {
    closer.later(() -> {
      old.snapshot().close();
      old.manifest().segments().forEach(s -> cache.unpin(collection, s.id()));
    });
  }

  @Override
  public void close() {
    tail.close();
    retire(sealed);
  }
}
