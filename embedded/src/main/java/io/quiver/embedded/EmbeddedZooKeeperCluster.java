package io.quiver.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ensemble of real ZooKeeper servers (Curator's {@link TestingCluster}) inside this JVM, every client, quorum
 * and election port on 127.0.0.1. For failover tests, {@link #testingCluster()} gives access to
 * {@code killServer}, {@code restartServer} and {@code findConnectionInstance}.
 */
public final class EmbeddedZooKeeperCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeperCluster.class);

  private final TestingCluster cluster;
  private final List<Path> dirs;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Duration startupTime = Duration.ZERO;

  private EmbeddedZooKeeperCluster(TestingCluster cluster, List<Path> dirs) {
    this.cluster = cluster;
    this.dirs = dirs;
  }

  static EmbeddedZooKeeperCluster start(int servers) {
    if (servers < 1) {
      throw new IllegalArgumentException("Cannot start a ZooKeeper ensemble of " + servers + " servers: need >= 1");
    }
    ZooKeeperSupport.disableAdminServer();
    long begin = System.nanoTime();
    EmbeddedZooKeeperCluster started = Loopback.withFreePorts("embedded ZooKeeper ensemble", 3 * servers,
        ports -> startOn(servers, ports));
    started.startupTime = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info("Embedded ZooKeeper ensemble of {} started on {} in {} ms", servers, started.connectString(),
        started.startupTime.toMillis());
    return started;
  }

  private static EmbeddedZooKeeperCluster startOn(int servers, int[] ports) {
    List<Path> dirs = new ArrayList<>();
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      Path dir = TempDirs.create("quiver-zookeeper-" + (i + 1) + "-");
      dirs.add(dir);
      specs.add(ZooKeeperSupport.spec(dir, ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], i + 1));
    }
    TestingCluster cluster = new TestingCluster(specs);
    try {
      cluster.start();
      for (InstanceSpec spec : specs) {
        ZooKeeperSupport.awaitServing(connectString(spec));
      }
      return new EmbeddedZooKeeperCluster(cluster, dirs);
    } catch (Exception e) {
      new EmbeddedZooKeeperCluster(cluster, dirs).close();
      throw new IllegalStateException(String.format("Cannot start an embedded ZooKeeper ensemble of %d on %s: %s",
          servers, cluster.getConnectString(), e.getMessage()), e);
    }
  }

  /** All servers, {@code 127.0.0.1:<p1>,127.0.0.1:<p2>,...}. */
  public String connectString() {
    return cluster.getConnectString();
  }

  /** {@code 127.0.0.1:<port>} of one server, e.g. one of {@code testingCluster().getInstances()}. */
  public static String connectString(InstanceSpec server) {
    return server.getHostname() + ":" + server.getPort();
  }

  /** The number of servers in the ensemble, running or not. */
  public int size() {
    return cluster.getInstances().size();
  }

  /** The underlying Curator cluster, to kill and restart servers in failover tests. */
  public TestingCluster testingCluster() {
    return cluster;
  }

  /** How long {@link EmbeddedZooKeeper#startCluster(int)} took, quorum included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Stops every server and deletes their data. Idempotent; logs instead of throwing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      LOG.warn("Embedded ZooKeeper ensemble did not stop cleanly", e);
    }
    dirs.forEach(TempDirs::deleteQuietly);
  }

  @Override
  public String toString() {
    return "EmbeddedZooKeeperCluster[" + connectString() + "]";
  }
}
