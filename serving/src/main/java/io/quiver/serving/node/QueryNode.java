package io.quiver.serving.node;

import io.quiver.coordinator.Assignment;
import io.quiver.coordinator.ZkCluster;
import io.quiver.coordinator.ZkPaths;
import io.quiver.engine.catalog.CollectionOperations;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.search.IndexCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query node: serves the (collection, shard) units the coordinator's {@link Assignment} gives it. It watches the
 * assignment and the manifest pointers, loads its units' sealed segments through the {@link SegmentCache}, tails
 * their WAL partitions, and drops units it no longer owns. When its ZooKeeper session is lost it stops serving
 * everything at once (the coordinator moves its units elsewhere); it serves again once re-registered and assigned.
 *
 * <p>Loads and drops run on one reconciler thread; searches run on the caller's thread plus a search pool.
 */
public final class QueryNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryNode.class);

  private record Key(String collection, int shard) {}

  private final ZkCluster cluster;
  private final NodeConfig config;
  private final SegmentCache cache;
  private final IndexCache indexCache;
  private final BufferAllocator allocator = new RootAllocator();
  private final ExecutorService pool;
  private final ExecutorService shardPool;
  private final DeferredCloser closer = new DeferredCloser(30_000);
  private final ScheduledExecutorService reconciler;
  private final Map<Key, ShardState> states = new ConcurrentHashMap<>();
  private final Map<String, CollectionOperations> ops = new ConcurrentHashMap<>();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final CuratorCache watch;
  private volatile boolean connected = true;
  private volatile boolean closed;

  public QueryNode(ZkCluster cluster, NodeConfig config) {
    this.cluster = cluster;
    this.config = config;
    this.cache = new SegmentCache(cluster.catalog(), config.cacheDir(), config.cacheBytes());
    this.indexCache = new IndexCache(config.cacheDir().resolve(".index"));
    this.pool = Executors.newFixedThreadPool(config.searchThreads(), daemon("quiver-search-" + config.id()));
    // Unbounded on purpose: its tasks wait on the search pool, so bounding it could deadlock; it holds one thread
    // per shard searched concurrently.
    this.shardPool = Executors.newCachedThreadPool(daemon("quiver-shards-" + config.id()));
    this.reconciler = Executors.newSingleThreadScheduledExecutor(daemon("quiver-node-" + config.id()));
    this.watch = CuratorCache.build(cluster.zk(), "/");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public void start() {
    watch.listenable().addListener((type, oldData, data) -> {
      String path = data != null ? data.getPath() : oldData != null ? oldData.getPath() : "";
      if (path.startsWith(ZkPaths.ASSIGNMENT) || path.startsWith(ZkPaths.CATALOG)
          || path.startsWith(ZkPaths.LOADED)) {
        schedule();
      }
    });
    cluster.zk().getConnectionStateListenable().addListener((client, state) -> {
      if (state == ConnectionState.LOST) {
        connected = false;
        LOG.warn("Node {} lost its ZooKeeper session: it stops serving every shard", config.id());
        reconciler.execute(this::dropAll);
      } else if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
        connected = true;
        schedule();
      }
    });
    watch.start();
    reconciler.scheduleWithFixedDelay(this::schedule, 1, 1, TimeUnit.SECONDS);
    schedule();
  }

  public String id() {
    return config.id();
  }

  /** Runs one request's per-shard searches side by side (see {@link NodeService}). */
  ExecutorService shardPool() {
    return shardPool;
  }

  public SegmentCache cache() {
    return cache;
  }

  /** Units served now, as {@code collection/shard}. */
  public Set<String> serving() {
    Set<String> out = new java.util.TreeSet<>();
    states.keySet().forEach(k -> out.add(k.collection() + "/" + k.shard()));
    return out;
  }

  /** Rows and deletes held in tails (0 once every manifest covering them is loaded). */
  public long tailRows() {
    long n = 0;
    for (ShardState s : states.values()) {
      n += s.tail().size();
    }
    return n;
  }

  /** The lowest manifest version among the units served (Long.MAX_VALUE when none). */
  public long minManifestVersion(String collection) {
    long v = Long.MAX_VALUE;
    for (Map.Entry<Key, ShardState> e : states.entrySet()) {
      if (e.getKey().collection().equals(collection)) {
        v = Math.min(v, e.getValue().manifestVersion());
      }
    }
    return v;
  }

  /** Arrow (off-heap) bytes held by this node's segments and tails. */
  public long offHeapBytes() {
    return allocator.getAllocatedMemory();
  }

  /** Replaced snapshots and tail chunks still waiting to be freed (they are freed some seconds after a swap). */
  public int pendingFrees() {
    return closer.pending();
  }

  /** Sealed bytes held. */
  public long loadedBytes() {
    long b = 0;
    for (ShardState s : states.values()) {
      b += s.bytes();
    }
    return b;
  }

  /** Tail lag per unit: offsets not read yet (needs the end offset, so the caller provides it). */
  public Map<String, Long> tailPositions() {
    Map<String, Long> out = new HashMap<>();
    states.forEach((k, s) -> out.put(k.collection() + "/" + k.shard(), s.tail().position()));
    return out;
  }

  private void schedule() {
    if (closed || !pending.compareAndSet(false, true)) {
      return;
    }
    reconciler.execute(() -> {
      pending.set(false);
      try {
        reconcile();
      } catch (RuntimeException e) {
        LOG.warn("Node {} reconcile failed (will retry): {}", config.id(), e.toString(), e);
      }
    });
  }

  private void reconcile() {
    if (!connected || closed) {
      return;
    }
    Assignment a = cluster.assignment();
    Map<String, List<Integer>> mine = new HashMap<>();
    a.collections().keySet().forEach(c -> {
      Set<Integer> shards = a.shardsOf(config.id(), c);
      if (!shards.isEmpty()) {
        mine.put(c, new ArrayList<>(shards));
      }
    });
    for (Key k : List.copyOf(states.keySet())) {
      List<Integer> owned = mine.get(k.collection());
      if (owned == null || !owned.contains(k.shard())) {
        drop(k);
      }
    }
    for (Map.Entry<String, List<Integer>> e : mine.entrySet()) {
      String c = e.getKey();
      Manifest m;
      try {
        m = operations(c).current();
      } catch (RuntimeException ex) {
        LOG.warn("Node {} cannot read the manifest of {}: {}", config.id(), c, ex.toString());
        continue;
      }
      if (m == null) {
        continue;
      }
      List<String> loaded = cluster.loadedPartitions(c);
      Set<String> parts = loaded == null ? null : Set.copyOf(loaded);
      for (int shard : e.getValue()) {
        Key k = new Key(c, shard);
        ShardState s = states.get(k);
        if (s == null) {
          long t0 = System.nanoTime();
          states.put(k, new ShardState(c, shard, m, config.kafkaBootstrap(), cache, indexCache, allocator, pool,
              closer, parts, ShardTail.fetchWaitMillis(config.boundedStalenessMs())));
          LOG.info("Node {} serves {}/{} (manifest v{}, partitions {}, loaded in {} ms)", config.id(), c, shard,
              m.version(), parts == null ? "all" : parts, (System.nanoTime() - t0) / 1_000_000);
        } else {
          if (!Objects.equals(parts, s.partitions())) {
            LOG.info("Node {} holds partitions {} of {}/{} (was {})", config.id(), parts == null ? "all" : parts, c,
                shard, s.partitions() == null ? "all" : s.partitions());
          }
          s.refresh(m, parts);
        }
      }
    }
  }

  private CollectionOperations operations(String c) {
    return ops.computeIfAbsent(c, cluster.catalog()::operations);
  }

  private void drop(Key k) {
    ShardState s = states.remove(k);
    if (s != null) {
      s.close();
      LOG.info("Node {} no longer serves {}/{}", config.id(), k.collection(), k.shard());
    }
  }

  private void dropAll() {
    List.copyOf(states.keySet()).forEach(this::drop);
  }

  /**
   * The state of a unit this node serves, waiting up to {@code waitMillis} for it to load, for its manifest to reach
   * {@code minManifestVersion} and for the sealed segments of {@code partitions} (empty: all) to be loaded (after
   * LoadPartitions / LoadCollection the node loads them beside what it serves).
   *
   * @throws NotOwnerException when the node does not serve it (the proxy tries another owner)
   */
  ShardState state(String collection, int shard, long minManifestVersion, List<String> partitions,
      long waitMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    while (true) {
      if (!connected) {
        throw new NotOwnerException("node " + config.id() + " has lost its ZooKeeper session");
      }
      ShardState s = states.get(new Key(collection, shard));
      if (s != null && s.manifestVersion() >= minManifestVersion && s.serves(partitions)) {
        return s;
      }
      boolean assigned = cluster.assignment().owners(collection, shard).contains(config.id());
      if ((!assigned && s == null) || System.nanoTime() - deadline > 0) {
        throw new NotOwnerException("node " + config.id() + " does not serve " + collection + " shard " + shard
            + (assigned ? " yet" : "") + (s != null && !s.serves(partitions) ? " with partitions "
            + (partitions.isEmpty() ? "all" : partitions) + " loaded (it holds " + s.partitions() + ")" : ""));
      }
      if (s != null) {
        schedule();
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  @Override
  public void close() {
    closed = true;
    watch.close();
    reconciler.shutdownNow();
    try {
      reconciler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropAll();
    closer.close();
    shardPool.shutdownNow();
    pool.shutdownNow();
    try {
      allocator.close();
    } catch (RuntimeException e) {
      LOG.warn("Node {}: Arrow memory still held at close: {}", config.id(), e.getMessage());
    }
  }
}
