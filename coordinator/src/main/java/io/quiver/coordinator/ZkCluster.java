package io.quiver.coordinator;

import io.quiver.engine.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * One process's handle on a Quiver cluster in ZooKeeper: the Curator client (namespace {@code quiver} unless told
 * otherwise), the catalog whose version pointers live in ZooKeeper, and the load flags. Thread-safe.
 */
public final class ZkCluster implements AutoCloseable {
  private final CuratorFramework zk;
  private final Catalog catalog;
  private final ZnodeCache cache;

  private ZkCluster(CuratorFramework zk, String warehouse, Map<String, String> hadoopProperties) {
    this.zk = zk;
    this.cache = new ZnodeCache(zk);
    Configuration conf = new Configuration();
    hadoopProperties.forEach(conf::set);
    this.catalog = Catalog.open(warehouse, conf, (name, ctx) -> new ZkPointerStore(zk, name, ctx.fs(),
        new Path(ctx.collectionDir(), "metadata"), cache));
  }

  /**
   * Connects (blocks until connected, at most {@code connectTimeoutMs}).
   *
   * @param sessionTimeoutMs the ZooKeeper session timeout: how soon a dead node's registration vanishes
   */
  public static ZkCluster connect(String connectString, String namespace, int sessionTimeoutMs, int connectTimeoutMs,
      String warehouse, Map<String, String> hadoopProperties) {
    CuratorFramework zk = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .namespace(namespace)
        .sessionTimeoutMs(sessionTimeoutMs)
        .connectionTimeoutMs(connectTimeoutMs)
        .retryPolicy(new ExponentialBackoffRetry(50, 10, 1_000))
        .build();
    zk.start();
    try {
      if (!zk.blockUntilConnected(connectTimeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        zk.close();
        throw new IllegalStateException("Cannot connect to ZooKeeper at " + connectString + " within "
            + connectTimeoutMs + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      zk.close();
      throw new IllegalStateException("Interrupted while connecting to ZooKeeper", e);
    }
    return new ZkCluster(zk, warehouse, hadoopProperties);
  }

  /** The watched znode cache behind {@link #isLoaded} and the catalog's pointer reads. */
  ZnodeCache cache() {
    return cache;
  }

  public CuratorFramework zk() {
    return zk;
  }

  /** The warehouse, with manifest pointers in ZooKeeper. */
  public Catalog catalog() {
    return catalog;
  }

  /** Drops a collection: its files, its pointer and its load flag. */
  public void drop(String collection) {
    catalog.drop(collection);
    deletePointer(collection);
    setLoaded(collection, false);
  }

  /** Removes a collection's version pointer (its files already dropped); this process sees it gone at once. */
  public void deletePointer(String collection) {
    try {
      ZkPointerStore.delete(zk, collection);
    } finally {
      cache.invalidate(ZkPaths.pointer(collection));
    }
  }

  /** Marks a collection loaded (the coordinator assigns its shards) or released. */
  public void setLoaded(String collection, boolean loaded) {
    try {
      if (loaded) {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(ZkPaths.loaded(collection));
      } else {
        zk.delete().forPath(ZkPaths.loaded(collection));
      }
    } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
      // already in that state
    } catch (Exception e) {
      throw new IllegalStateException("Cannot mark " + collection + (loaded ? " loaded" : " released"), e);
    } finally {
      cache.invalidate(ZkPaths.loaded(collection));
    }
  }

  /** Whether the collection is loaded; served from a watched cache (no ZooKeeper round trip per request). */
  public boolean isLoaded(String collection) {
    try {
      return cache.get(ZkPaths.loaded(collection)) != null;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the load state of " + collection, e);
    }
  }

  /** Loaded collections, sorted. */
  public List<String> loaded() {
    try {
      if (zk.checkExists().forPath(ZkPaths.LOADED) == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>(zk.getChildren().forPath(ZkPaths.LOADED));
      out.sort(null);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot list loaded collections", e);
    }
  }

  /** The assignment the leader last published. */
  public Assignment assignment() {
    try {
      return zk.checkExists().forPath(ZkPaths.ASSIGNMENT) == null ? Assignment.EMPTY
          : Assignment.fromBytes(zk.getData().forPath(ZkPaths.ASSIGNMENT));
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the assignment", e);
    }
  }

  @Override
  public void close() {
    zk.close();
  }
}
