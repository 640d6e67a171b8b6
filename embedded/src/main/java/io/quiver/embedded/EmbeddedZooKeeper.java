package io.quiver.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.test.TestingServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone ZooKeeper server (Curator's {@link TestingServer}) inside this JVM, listening on 127.0.0.1
 * only, with its data in a temporary directory deleted by {@link #close()}. ZooKeeper's admin server is turned off
 * through the {@code zookeeper.admin.enableServer} system property unless the JVM already set it.
 *
 * <p>For an ensemble (leader election, failover) use {@link #startCluster(int)}.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  private final TestingServer server;
  private final Path dir;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Duration startupTime = Duration.ZERO;

  private EmbeddedZooKeeper(TestingServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /**
   * Starts a server and waits until it serves requests.
   *
   * @throws IllegalStateException if it cannot start or does not serve in time
   */
  public static EmbeddedZooKeeper start() {
    ZooKeeperSupport.disableAdminServer();
    long begin = System.nanoTime();
    EmbeddedZooKeeper zooKeeper = Loopback.withFreePorts("embedded ZooKeeper", 1, ports -> startOn(ports[0]));
    zooKeeper.startupTime = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info("Embedded ZooKeeper started on {} in {} ms", zooKeeper.connectString(),
        zooKeeper.startupTime.toMillis());
    return zooKeeper;
  }

  private static EmbeddedZooKeeper startOn(int port) {
    Path dir = TempDirs.create("quiver-zookeeper-");
    TestingServer server = null;
    try {
      // Election and quorum ports are unused by a standalone server; 0 keeps Curator from probing for random ones.
      server = new TestingServer(ZooKeeperSupport.spec(dir, port, 0, 0, 1), true);
      ZooKeeperSupport.awaitServing(server.getConnectString());
      return new EmbeddedZooKeeper(server, dir);
    } catch (Exception e) {
      closeQuietly(server);
      TempDirs.deleteQuietly(dir);
      throw new IllegalStateException(String.format("Cannot start embedded ZooKeeper on %s:%d (data dir %s): %s",
          Loopback.HOST, port, dir, e.getMessage()), e);
    }
  }

  /**
   * Starts an ensemble of {@code servers} ZooKeeper servers on 127.0.0.1 and waits until each one serves.
   *
   * @throws IllegalArgumentException if {@code servers < 1}
   * @throws IllegalStateException if the ensemble cannot start or does not form a quorum in time
   */
  public static EmbeddedZooKeeperCluster startCluster(int servers) {
    return EmbeddedZooKeeperCluster.start(servers);
  }

  /** {@code 127.0.0.1:<port>}. */
  public String connectString() {
    return server.getConnectString();
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return server.getPort();
  }

  /** How long {@link #start()} took, readiness included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Stops the server and deletes its data. Idempotent; logs instead of throwing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(server);
      TempDirs.deleteQuietly(dir);
      LOG.info("Embedded ZooKeeper {} stopped", connectString());
    }
  }

  private static void closeQuietly(TestingServer server) {
    if (server != null) {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("Embedded ZooKeeper did not stop cleanly", e);
      }
    }
  }

  @Override
  public String toString() {
    return "EmbeddedZooKeeper[" + connectString() + "]";
  }
}
