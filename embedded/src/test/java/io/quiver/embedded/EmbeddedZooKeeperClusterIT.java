package io.quiver.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EmbeddedZooKeeperClusterIT {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeperClusterIT.class);

  @Test
  void ensembleOnLoopbackKeepsServingWhenOneServerDies() throws Exception {
    try (EmbeddedZooKeeperCluster cluster = EmbeddedZooKeeper.startCluster(3)) {
      LOG.info("ZooKeeper ensemble of 3 started in {} ms", cluster.startupTime().toMillis());
      List<InstanceSpec> specs = new ArrayList<>(cluster.testingCluster().getInstances());
      assertThat(cluster.size()).isEqualTo(3);
      assertThat(specs).allSatisfy(spec -> assertThat(EmbeddedZooKeeperCluster.connectString(spec)).startsWith("127.0.0.1:"));

      ZooKeeper writer = connect(EmbeddedZooKeeperCluster.connectString(specs.get(0)));
      try {
        writer.create("/quiver-ensemble", "v1".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT);
      } finally {
        writer.close();
      }

      assertThat(cluster.testingCluster().killServer(specs.get(0))).as("server 1 killed").isTrue();
      ZooKeeper reader = connect(EmbeddedZooKeeperCluster.connectString(specs.get(1)) + ","
          + EmbeddedZooKeeperCluster.connectString(specs.get(2)));
      try {
        reader.sync("/quiver-ensemble");
        assertThat(new String(reader.getData("/quiver-ensemble", false, null), StandardCharsets.UTF_8))
            .as("data written through server 1, read through the survivors").isEqualTo("v1");
      } finally {
        reader.close();
      }
    }
  }

  private static ZooKeeper connect(String connectString) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client = new ZooKeeper(connectString, 30_000, event -> {
      if (event.getState() == KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    if (!connected.await(30, TimeUnit.SECONDS)) {
      client.close();
      throw new AssertionError("No ZooKeeper session with " + connectString + " within 30 s");
    }
    return client;
  }
}
