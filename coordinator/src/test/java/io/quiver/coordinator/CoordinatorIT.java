package io.quiver.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quiver.embedded.EmbeddedZooKeeper;
import io.quiver.embedded.EmbeddedZooKeeperCluster;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitFailedException;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.PointerStoreProvider;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Election, failover, assignment and the ZooKeeper pointer store on a 3-server ZooKeeper ensemble. */
class CoordinatorIT {
  static EmbeddedZooKeeperCluster ensemble;
  @TempDir static Path warehouse;

  @BeforeAll
  static void start() {
    ensemble = EmbeddedZooKeeper.startCluster(3);
  }

  @AfterAll
  static void stop() {
    ensemble.close();
  }

  private static ZkCluster connect(String ns) {
    return ZkCluster.connect(ensemble.connectString(), ns, 4_000, 10_000, warehouse.toUri().toString(), Map.of());
  }

  private static final CollectionSchema SCHEMA = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("v", 4, MetricType.L2).build();

  @Test
  void loadFlagsAndPointersAreReadFromMemoryYetFollowEveryWrite() throws Exception {
    try (ZkCluster a = connect("cached"); ZkCluster b = connect("cached")) {
      a.catalog().create("hot", SCHEMA, 1, Map.of(), Map.of());
      long v1 = b.catalog().operations("hot").current().version();
      assertThat(b.isLoaded("hot")).isFalse();
      long before = b.cache().reads();
      for (int i = 0; i < 100; i++) {
        assertThat(b.isLoaded("hot")).isFalse();
        assertThat(b.catalog().operations("hot").current().version()).isEqualTo(v1);
      }
      assertThat(b.cache().reads() - before).as("ZooKeeper reads for 200 cached lookups").isZero();

      a.setLoaded("hot", true);
      assertThat(a.isLoaded("hot")).as("the writer reads its own write at once").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> b.isLoaded("hot"));
      long v2 = a.catalog().committer("hot").commit(CommitMessage.builder("stream").covers(0, 0, 9).build())
          .version();
      assertThat(v2).isGreaterThan(v1);
      assertThat(a.catalog().operations("hot").current().version()).isEqualTo(v2);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> b.catalog().operations("hot").current().version() == v2);
      // a commit through b after a's: the stale-free compare-and-set path still serializes them
      long v3 = b.catalog().committer("hot").commit(CommitMessage.builder("stream").covers(0, 10, 19).build())
          .version();
      assertThat(v3).isEqualTo(v2 + 1);
      a.setLoaded("hot", false);
      await().atMost(Duration.ofSeconds(10)).until(() -> !b.isLoaded("hot"));
      b.drop("hot");
      assertThat(b.catalog().operations("hot").current()).isNull();
      await().atMost(Duration.ofSeconds(10)).until(() -> a.catalog().operations("hot").current() == null);
    }
  }

  @Test
  void sharedPointerStoreClientsAreClosedOnReleaseAndReconnectAfter() throws Exception {
    Configuration conf = new Configuration();
    conf.set(PointerStoreProvider.ZOOKEEPER, ensemble.connectString());
    conf.set(PointerStoreProvider.ZOOKEEPER_NAMESPACE, "released");
    String uri = warehouse.toUri().toString();
    Catalog before = Catalog.open(uri, conf);
    long v1 = before.create("unload", SCHEMA, 1, Map.of(), Map.of()).version();

    Catalog.releaseSharedClients(); // what Flink's class-loader release hook runs
    assertThatThrownBy(() -> before.committer("unload").commit(CommitMessage.builder("stream").covers(0, 0, 9)
        .build())).as("a catalog opened before the release no longer reaches ZooKeeper").isInstanceOf(
        CommitFailedException.class);

    Catalog after = Catalog.open(uri, conf);
    long v2 = after.committer("unload").commit(CommitMessage.builder("stream").covers(0, 0, 9).build()).version();
    assertThat(v2).isEqualTo(v1 + 1);
    try (ZkCluster zk = connect("released")) {
      assertThat(zk.catalog().current("unload").version()).as("the pointer lives in ZooKeeper").isEqualTo(v2);
      zk.drop("unload");
    }
    Catalog.releaseSharedClients();
  }

  @Test
  void racingCommittersSerializeThroughTheZnodeVersion() throws Exception {
    try (ZkCluster a = connect("ptr"); ZkCluster b = connect("ptr")) {
      a.catalog().create("race", SCHEMA, 8, Map.of(), Map.of());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Long>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ZkCluster c = i % 2 == 0 ? a : b;
        int n = i;
        fs.add(pool.submit(() -> {
          go.await();
          return c.catalog().committer("race").commit(CommitMessage.builder("stream").covers(n, 0, 9).build())
              .version();
        }));
      }
      go.countDown();
      List<Long> versions = new ArrayList<>();
      for (Future<Long> f : fs) {
        versions.add(f.get());
      }
      pool.shutdown();
      assertThat(versions).as("one version per commit").containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      // each process sees the other's last commit once the watch event on its cached pointer arrives (ZnodeCache)
      await().atMost(Duration.ofSeconds(10)).until(() -> a.catalog().current("race").version() == 9
          && b.catalog().current("race").version() == 9);
      a.drop("race");
      assertThat(a.catalog().exists("race")).as("the dropping process sees it gone at once").isFalse();
      // another process sees it once the watch event on its cached pointer arrives (ZnodeCache)
      await().atMost(Duration.ofSeconds(10)).until(() -> !b.catalog().exists("race"));
    }
  }

  @Test
  void leaderFailoverKeepsTheAssignment() throws Exception {
    List<ZkCluster> clients = new ArrayList<>();
    List<Coordinator> coords = new ArrayList<>();
    List<PersistentNode> regs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        ZkCluster c = connect("failover");
        clients.add(c);
        regs.add(NodeRegistry.register(c.zk(), new NodeInfo("n" + i, "127.0.0.1:1", "127.0.0.1:2", 1L << 30, 0)));
        Coordinator co = new Coordinator(c, "n" + i, 2);
        co.start();
        coords.add(co);
      }
      clients.get(0).catalog().create("docs", SCHEMA, 4, Map.of(), Map.of());
      clients.get(0).setLoaded("docs", true);
      await().atMost(Duration.ofSeconds(10)).until(() -> clients.get(1).assignment().collections()
          .getOrDefault("docs", Map.of()).size() == 4);
      Assignment before = clients.get(1).assignment();
      int leader = -1;
      for (int i = 0; i < 3; i++) {
        if (coords.get(i).isLeader()) {
          leader = i;
        }
      }
      assertThat(leader).as("one leader").isGreaterThanOrEqualTo(0);
      long t0 = System.nanoTime();
      coords.get(leader).close();
      regs.get(leader).close();
      clients.get(leader).close();
      int dead = leader;
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        for (int i = 0; i < 3; i++) {
          if (i != dead && coords.get(i).isLeader()) {
            return true;
          }
        }
        return false;
      });
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(tookMs).as("new leader within 5 s").isLessThan(5_000);
      ZkCluster survivor = clients.get(dead == 0 ? 1 : 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        Assignment a = survivor.assignment();
        for (int s = 0; s < 4; s++) {
          List<String> o = a.owners("docs", s);
          if (o.size() != 2 || o.contains("n" + dead)) {
            return false;
          }
        }
        return true;
      });
      assertThat(survivor.assignment().epoch()).isGreaterThan(before.epoch());
    } finally {
      coords.forEach(Coordinator::close);
      regs.forEach(r -> {
        try {
          r.close();
        } catch (Exception ignored) {
          // closed already
        }
      });
      clients.forEach(ZkCluster::close);
    }
  }
}
