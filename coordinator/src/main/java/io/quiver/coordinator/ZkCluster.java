package io.quiver.coordinator;

import io.quiver.engine.catalog.Catalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
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
  /** The load flag's data when every partition is loaded. */
  private static final byte[] ALL_PARTITIONS = "all".getBytes(StandardCharsets.UTF_8);
  /** The load flag's data when some partitions are: this prefix, then their names, one per line. */
  private static final String PARTITIONS_PREFIX = "partitions:";
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

  /**
   * Marks a collection loaded (the coordinator assigns its shards), every partition of it (also those created
   * later: Milvus's LoadCollection), or released.
   */
  public void setLoaded(String collection, boolean loaded) {
    if (loaded) {
      writeLoaded(collection, ALL_PARTITIONS);
      return;
    }
    try {
      zk.delete().forPath(ZkPaths.loaded(collection));
    } catch (KeeperException.NoNodeException e) {
      // already released
    } catch (Exception e) {
      throw new IllegalStateException("Cannot mark " + collection + " released", e);
    } finally {
      cache.invalidate(ZkPaths.loaded(collection));
    }
  }

  /**
   * Marks a collection loaded with only {@code partitions} readable (Milvus's LoadPartitions / ReleasePartitions).
   * The coordinator assigns its shards as for a loaded collection (a node's unit is a shard); nodes hold only these
   * partitions' sealed segments in memory.
   */
  public void setLoadedPartitions(String collection, List<String> partitions) {
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("Cannot load no partition of " + collection + ": release it instead");
    }
    writeLoaded(collection, (PARTITIONS_PREFIX + String.join("\n", partitions)).getBytes(StandardCharsets.UTF_8));
  }

  private void writeLoaded(String collection, byte[] data) {
    String path = ZkPaths.loaded(collection);
    try {
      try {
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
      } catch (KeeperException.NodeExistsException e) {
        zk.setData().forPath(path, data);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot mark " + collection + " loaded", e);
    } finally {
      cache.invalidate(path);
    }
  }

  /** Whether the collection is loaded; served from a watched cache (no ZooKeeper round trip per request). */
  public boolean isLoaded(String collection) {
    return loadedData(collection) != null;
  }

  /**
   * The partitions of a loaded collection that LoadPartitions loaded, or null when every partition is (or the
   * collection is not loaded: {@link #isLoaded}). From the watched cache, like {@link #isLoaded}.
   */
  @Nullable
  public List<String> loadedPartitions(String collection) {
    byte[] data = loadedData(collection);
    String s = data == null ? "" : new String(data, StandardCharsets.UTF_8);
    if (!s.startsWith(PARTITIONS_PREFIX)) {
      return null; // flags written before partitions could be loaded hold whatever Curator's default data was
    }
    return List.of(s.substring(PARTITIONS_PREFIX.length()).split("\n"));
  }

  @Nullable
  private byte[] loadedData(String collection) {
    try {
      return cache.get(ZkPaths.loaded(collection));
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
