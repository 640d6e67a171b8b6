package io.quiver.coordinator;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Query node registrations: each node keeps an ephemeral znode {@code /nodes/<id>} with its {@link NodeInfo}; it
 * vanishes when the node's session ends (crash, partition, expiry) and is re-created by Curator when a new session
 * is established.
 */
public final class NodeRegistry {
  private NodeRegistry() {}

  /** Registers {@code info}; close the returned node to deregister. */
  public static PersistentNode register(CuratorFramework zk, NodeInfo info) {
    PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ZkPaths.node(info.id()),
        info.toBytes());
    node.start();
    try {
      if (!node.waitForInitialCreate(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("Cannot register node " + info.id() + " within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while registering node " + info.id(), e);
    }
    return node;
  }

  /** The registered nodes, sorted by id. */
  public static List<NodeInfo> nodes(CuratorFramework zk) {
    List<NodeInfo> out = new ArrayList<>();
    try {
      if (zk.checkExists().forPath(ZkPaths.NODES) == null) {
        return out;
      }
      List<String> ids = new ArrayList<>(zk.getChildren().forPath(ZkPaths.NODES));
      ids.sort(null);
      for (String id : ids) {
        try {
          out.add(NodeInfo.fromBytes(zk.getData().forPath(ZkPaths.node(id))));
        } catch (KeeperException.NoNodeException gone) {
          // left meanwhile
        }
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot list registered nodes", e);
    }
  }
}
