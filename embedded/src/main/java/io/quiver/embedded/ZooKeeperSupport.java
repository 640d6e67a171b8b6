package io.quiver.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/** Instance specs bound to 127.0.0.1, and a probe that a server really serves requests. */
final class ZooKeeperSupport {
  static final String ADMIN_SERVER_PROPERTY = "zookeeper.admin.enableServer";
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PROBE_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private ZooKeeperSupport() {}

  /**
   * Turns off ZooKeeper's admin server (Jetty on port 8080, every interface) unless the JVM already decided.
   * ZooKeeper reads this switch only from a system property, so it cannot be set per instance.
   */
  static void disableAdminServer() {
    if (System.getProperty(ADMIN_SERVER_PROPERTY) == null) {
      System.setProperty(ADMIN_SERVER_PROPERTY, "false");
    }
  }

  /** A spec whose client, quorum and election ports all listen on 127.0.0.1 only. */
  static InstanceSpec spec(Path dataDir, int clientPort, int electionPort, int quorumPort, int serverId) {
    return new InstanceSpec(dataDir.toFile(), clientPort, electionPort, quorumPort, true, serverId, -1, -1,
        Map.of("clientPortAddress", Loopback.HOST), Loopback.HOST);
  }

  /** Waits until a client session to {@code connectString} is established and {@code exists("/")} answers. */
  static void awaitServing(String connectString) {
    Await.until("ZooKeeper at " + connectString + " to serve requests", READY_TIMEOUT,
        () -> isServing(connectString));
  }

  private static boolean isServing(String connectString) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client = new ZooKeeper(connectString, (int) READY_TIMEOUT.toMillis(), event -> {
      if (event.getState() == KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    try {
      return connected.await(PROBE_CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          && client.exists("/", false) != null;
    } finally {
      client.close();
    }
  }
}
