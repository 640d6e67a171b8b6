package io.quiver.coordinator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;

/**
 * Znode contents read once and then served from memory until ZooKeeper says they changed: each read leaves a one-shot
 * watch, and any event on it (data changed, deleted, created, or a connection event) forgets the entry, so the next
 * read goes to ZooKeeper again. Writers in this process call {@link #invalidate} right after their write, so a
 * process always reads its own writes; writes of other processes show up as soon as their watch event arrives (the
 * same delay as Milvus's proxy meta cache). Hot request paths (is the collection loaded, which manifest version is
 * current) thus cost no ZooKeeper round trip. Thread-safe.
 */
public final class ZnodeCache {
  /** A cached read: the bytes, or null for a znode that does not exist. */
  private record Entry(@Nullable byte[] data) {}

  private final CuratorFramework zk;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
  private final AtomicLong reads = new AtomicLong();

  public ZnodeCache(CuratorFramework zk) {
    this.zk = zk;
    // A suspended or lost connection may have dropped watches: forget everything.
    zk.getConnectionStateListenable().addListener((client, state) -> invalidateAll());
  }

  /**
   * The data of {@code path} (relative to the client's namespace), or null when the znode does not exist.
   *
   * @throws Exception what Curator throws for a failed read (never for a missing znode)
   */
  @Nullable
  public byte[] get(String path) throws Exception {
    Entry e = entries.get(path);
    if (e != null) {
      return e.data();
    }
    AtomicLong gen = generations.computeIfAbsent(path, p -> new AtomicLong());
    long before = gen.get();
    Watcher forget = event -> invalidate(path);
    byte[] data;
    reads.incrementAndGet();
    while (true) {
      try {
        data = zk.getData().usingWatcher(forget).forPath(path);
        break;
      } catch (KeeperException.NoNodeException missing) {
        if (zk.checkExists().usingWatcher(forget).forPath(path) == null) {
          data = null;
          break;
        } // created in between: read it
      }
    }
    Entry read = new Entry(data);
    // Keep the read only if no event arrived since it started (the watch that would forget it may be spent).
    entries.compute(path, (p, old) -> gen.get() == before ? read : old);
    return data;
  }

  /** Reads that went to ZooKeeper (the rest were served from memory). */
  public long reads() {
    return reads.get();
  }

  /** Forgets {@code path}: the next {@link #get} reads ZooKeeper. Call after writing it. */
  public void invalidate(String path) {
    generations.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
    entries.remove(path);
  }

  /** Forgets every entry. */
  public void invalidateAll() {
    generations.values().forEach(AtomicLong::incrementAndGet);
    entries.clear();
  }
}
