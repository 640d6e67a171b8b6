package io.quiver.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

  /**
   * A spec whose client, quorum and election ports all listen on 127.0.0.1 only, its data in {@code dir/data}: the
   * embedded server writes a configuration file at every start into its data directory's parent (Curator passes that
   * as ZooKeeper's base directory) and never deletes it, so the parent is the instance's own directory, deleted with it,
   * rather than the system's temporary directory.
   */
  static InstanceSpec spec(Path dir, int clientPort, int electionPort, int quorumPort, int serverId) {
    Path data = dir.resolve("data");
    try {
      Files.createDirectories(data); // an ensemble member writes its myid there before ZooKeeper creates it
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new InstanceSpec(data.toFile(), clientPort, electionPort, quorumPort, true, serverId, -1, -1,
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
