package io.quiver.serving.server;

import io.quiver.coordinator.NodeInfo;
import io.quiver.coordinator.NodeRegistry;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's registration in the node registry, with a rule for a lost ZooKeeper session. Such a node has dropped
 * everything it served (see {@code QueryNode}); if it re-registered the moment Curator has a new session, the
 * coordinator could see the old registration vanish and the new one appear within one recompute and move nothing.
 * So it stays out for a rejoin delay (the session timeout) after reconnecting: the coordinator sees it gone and moves
 * its units to the others; then it registers again as a fresh node and takes a share back when the coordinator
 * rebalances. Milvus's query nodes go further and exit on session expiry.
 *
 * <p>All registry changes run on one thread, in the order the connection states arrive.
 */
final class Membership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  private final CuratorFramework zk;
  private final NodeInfo info;
  private final long rejoinDelayMs;
  private final ScheduledExecutorService exec;
  private final ConnectionStateListener listener = this::onState;
  private PersistentNode registration; // null while out of the registry; touched on exec only, or under close
  private boolean lost;

  Membership(CuratorFramework zk, NodeInfo info, long rejoinDelayMs) {
    this.zk = zk;
    this.info = info;
    this.rejoinDelayMs = rejoinDelayMs;
    this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quiver-membership-" + info.id());
      t.setDaemon(true);
      return t;
    });
    this.registration = NodeRegistry.register(zk, info);
    zk.getConnectionStateListenable().addListener(listener);
  }

  private void onState(CuratorFramework client, ConnectionState state) {
    if (state == ConnectionState.LOST) {
      exec.execute(this::leave);
    } else if (state == ConnectionState.RECONNECTED) {
      exec.execute(() -> {
        if (lost) {
          exec.schedule(this::rejoin, rejoinDelayMs, TimeUnit.MILLISECONDS);
        }
      });
    }
  }

  private synchronized void leave() {
    if (registration == null) {
      return;
    }
    lost = true;
    PersistentNode r = registration;
    registration = null;
    LOG.warn("Node {} lost its ZooKeeper session: out of the registry for at least {} ms after reconnecting",
        info.id(), rejoinDelayMs);
    try {
      r.close(); // also deletes what Curator may have re-created under the new session
    } catch (IOException | RuntimeException e) {
      LOG.debug("Closing the lost registration of {}: {}", info.id(), e.toString());
    }
  }

  private synchronized void rejoin() {
    if (registration != null || !lost || exec.isShutdown()) {
      return;
    }
    try {
      registration = NodeRegistry.register(zk, info);
      lost = false;
      LOG.info("Node {} registered again after its session loss", info.id());
    } catch (RuntimeException e) {
      LOG.warn("Node {} cannot register again yet, retrying: {}", info.id(), e.toString());
      exec.schedule(this::rejoin, rejoinDelayMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops without deregistering (a crash: the session's end removes the registration). */
  void abandon() {
    zk.getConnectionStateListenable().removeListener(listener);
    exec.shutdownNow();
  }

  /** Deregisters (the coordinator moves this node's units at once). */
  @Override
  public synchronized void close() throws IOException {
    abandon();
    if (registration != null) {
      registration.close();
      registration = null;
    }
  }
}
