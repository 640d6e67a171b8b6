package io.quiver.serving.proxy;

import io.quiver.coordinator.Assignment;
import io.quiver.coordinator.NodeInfo;
import io.quiver.coordinator.ZkCluster;
import io.quiver.coordinator.ZkPaths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;

/**
 * The proxy's cached view of the cluster: the published assignment and the registered nodes' addresses, kept up to
 * date by a Curator cache (no ZooKeeper round trip per request).
 */
public final class ClusterView implements AutoCloseable {
  private final CuratorCache cache;
  private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
  private volatile Assignment assignment = Assignment.EMPTY;
  private final Object changed = new Object();

  public ClusterView(ZkCluster cluster) {
    this.cache = CuratorCache.build(cluster.zk(), "/");
    cache.listenable().addListener((type, oldData, data) -> {
      ChildData d = data != null ? data : oldData;
      if (d == null) {
        return;
      }
      String p = d.getPath();
      if (p.equals(ZkPaths.ASSIGNMENT)) {
        assignment = data == null ? Assignment.EMPTY : Assignment.fromBytes(data.getData());
      } else if (p.startsWith(ZkPaths.NODES + "/")) {
        String id = p.substring(ZkPaths.NODES.length() + 1);
        if (data == null) {
          nodes.remove(id);
        } else {
          nodes.put(id, NodeInfo.fromBytes(data.getData()));
        }
      } else {
        return;
      }
      synchronized (changed) {
        changed.notifyAll();
      }
    });
    cache.start();
  }

  public Assignment assignment() {
    return assignment;
  }

  /** The node's internal address, or null when it is not registered. */
  public NodeInfo node(String id) {
    return nodes.get(id);
  }

  public Map<String, NodeInfo> nodes() {
    return Map.copyOf(nodes);
  }

  /** Waits until the view changes or {@code millis} pass. */
  public void awaitChange(long millis) {
    synchronized (changed) {
      try {
        changed.wait(Math.max(1, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
