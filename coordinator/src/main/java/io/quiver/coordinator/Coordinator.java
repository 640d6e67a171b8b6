package io.quiver.coordinator;

import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.NoSuchCollectionException;
import io.quiver.engine.catalog.SegmentEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: every node runs one; a Curator {@link LeaderLatch} elects the one that acts. The leader watches
 * node registrations, load flags and manifest pointers, and on any change (debounced) recomputes the
 * {@link Assignment} with {@link Assigner} and publishes it to {@code /assignment} (compare-and-set on the znode
 * version, so a deposed leader cannot overwrite its successor's). Followers do nothing until elected; the latch hands
 * over within a session timeout of the leader's death, and at once when it closes cleanly.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final ZkCluster cluster;
  private final CuratorFramework zk;
  private final String id;
  private final int replicas;
  private final LeaderLatch latch;
  private final CuratorCache cache;
  private final ScheduledExecutorService exec;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile boolean closed;

  public Coordinator(ZkCluster cluster, String id, int replicas) {
    this.cluster = cluster;
    this.zk = cluster.zk();
    this.id = id;
    this.replicas = replicas;
    this.latch = new LeaderLatch(zk, ZkPaths.LEADER, id);
    this.cache = CuratorCache.build(zk, "/");
    this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quiver-coordinator-" + id);
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        LOG.info("Node {} is the coordinator leader", id);
        schedule();
      }

      @Override
      public void notLeader() {
        LOG.info("Node {} is no longer the coordinator leader", id);
      }
    });
    cache.listenable().addListener((type, oldData, data) -> {
      String path = data != null ? data.getPath() : oldData != null ? oldData.getPath() : "";
      if (path.startsWith(ZkPaths.NODES) || path.startsWith(ZkPaths.CATALOG) || path.startsWith(ZkPaths.LOADED)) {
        schedule();
      }
    });
    cache.start();
    try {
      latch.start();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot join the coordinator election", e);
    }
    // Safety net: periodic recompute covers a missed event (e.g. a write failed during a leader change).
    exec.scheduleWithFixedDelay(this::schedule, 2, 2, TimeUnit.SECONDS);
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  public String id() {
    return id;
  }

  /** Recomputes soon (events arriving together are merged). */
  public void schedule() {
    if (closed || !pending.compareAndSet(false, true)) {
      return;
    }
    exec.schedule(() -> {
      pending.set(false);
      if (!closed && latch.hasLeadership()) {
        try {
          recompute();
        } catch (RuntimeException e) {
          if (closed) {
            return; // shutting down: the ZooKeeper client or the catalog went away under the recompute
          }
          LOG.warn("Assignment recompute failed, retrying: {}", e.toString());
          exec.schedule(this::schedule, 200, TimeUnit.MILLISECONDS);
        }
      }
    }, 20, TimeUnit.MILLISECONDS);
  }

  /** Computes and publishes the assignment now (leader only); returns it, or null when nothing changed. */
  synchronized Assignment recompute() {
    List<String> nodes = new ArrayList<>();
    NodeRegistry.nodes(zk).forEach(n -> nodes.add(n.id()));
    List<Assigner.Unit> units = new ArrayList<>();
    for (String c : cluster.loaded()) {
      Manifest m;
      try {
        m = cluster.catalog().current(c);
      } catch (NoSuchCollectionException e) {
        continue;
      }
      Map<Integer, Long> bytes = new HashMap<>();
      for (SegmentEntry s : m.segments()) {
        long b = s.stats().dataBytes();
        for (var i : s.indexes().values()) {
          b += i.bytes();
        }
        bytes.merge(Math.max(0, s.stats().shard()), b, Long::sum);
      }
      for (int shard = 0; shard < m.shards(); shard++) {
        units.add(new Assigner.Unit(c, shard, 1 + bytes.getOrDefault(shard, 0L)));
      }
    }
    try {
      Stat stat = zk.checkExists().forPath(ZkPaths.ASSIGNMENT);
      Assignment current = stat == null ? Assignment.EMPTY
          : Assignment.fromBytes(zk.getData().storingStatIn(stat).forPath(ZkPaths.ASSIGNMENT));
      Assignment next = Assigner.assign(units, nodes, replicas, current);
      if (next.collections().equals(current.collections())) {
        return null;
      }
      if (!latch.hasLeadership()) {
        return null;
      }
      if (stat == null) {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(ZkPaths.ASSIGNMENT,
            next.toBytes());
      } else {
        zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.ASSIGNMENT, next.toBytes());
      }
      LOG.info("Coordinator {} published assignment epoch {} over nodes {}: {}", id, next.epoch(), nodes,
          next.collections());
      return next;
    } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
      schedule(); // someone else wrote meanwhile: recompute from theirs
      return null;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot publish the assignment", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      latch.close();
    } catch (Exception e) {
      LOG.debug("Leader latch close: {}", e.toString());
    }
    cache.close();
    exec.shutdownNow();
  }
}
