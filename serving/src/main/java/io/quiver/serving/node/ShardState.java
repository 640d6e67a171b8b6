package io.quiver.serving.node;

import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.Snapshot;
import io.quiver.engine.search.SnapshotLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a node serves for one (collection, shard): the shard's sealed segments of the newest loaded manifest (through
 * the {@link SegmentCache}) and its {@link ShardTail}. {@link #snapshot()} combines them under the row order rule.
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

  private record Sealed(Manifest manifest, Snapshot snapshot) {}

  private record Combined(Sealed sealed, long tailVersion, Snapshot snapshot) {}

  ShardState(String collection, int shard, Manifest manifest, String bootstrap, SegmentCache cache,
      IndexCache indexCache, BufferAllocator allocator, ExecutorService pool, DeferredCloser closer) {
    this.collection = collection;
    this.shard = shard;
    this.cache = cache;
    this.indexCache = indexCache;
    this.allocator = allocator;
    this.pool = pool;
    this.closer = closer;
    this.sealed = load(manifest);
    this.tail = new ShardTail(bootstrap, collection, shard, manifest.schema(), manifest.committedOffset(shard),
        allocator, closer);
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

  /** Bytes of sealed data held. */
  long bytes() {
    long b = 0;
    for (SegmentEntry s : sealed.manifest().segments()) {
      b += s.stats().dataBytes();
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

  /** Loads {@code next} if it is newer, swaps it in, then lets the tail drop what it covers. */
  void refresh(Manifest next) {
    Sealed old = sealed;
    if (next.version() <= old.manifest().version()) {
      return;
    }
    Sealed fresh = load(next);
    sealed = fresh;
    tail.trim(next.committedOffset(shard));
    retire(old);
  }

  private Sealed load(Manifest full) {
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
      return new Sealed(mine, SnapshotLoader.load(cache.mirror(), mine, allocator, indexCache, pool));
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
