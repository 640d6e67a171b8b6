package io.quiver.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.quiver.coordinator.Assignment;
import io.quiver.coordinator.ZkCluster;
import io.quiver.engine.schema.MetricType;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.tools.LocalSealer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover of a 5-node serving cluster (replica factor 2) under a steady search load from the Milvus SDK: a killed
 * query node, the killed coordinator leader (whichever node leads), an expired ZooKeeper session. The load's proxy is
 * chosen apart from the leader, so every step always runs. Every answer is compared with brute force (FLAT index, so
 * the exact answer is the right one).
 */
class FailoverIT {
  static final String C = "fo";
  static final int DIM = 8;
  static ServingCluster cluster;
  static ZkCluster admin;
  static final Map<Long, float[]> rows = new java.util.TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = new ServingCluster(5, 2);
    admin = cluster.admin();
    MilvusClientV2 c = client(0);
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
    schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM).build());
    c.createCollection(CreateCollectionReq.builder().collectionName(C).collectionSchema(schema).numShards(4).build());
    c.createIndex(CreateIndexReq.builder().collectionName(C).indexParams(List.of(IndexParam.builder().fieldName("vec")
        .indexType(IndexParam.IndexType.FLAT).metricType(IndexParam.MetricType.L2).build())).build());
    c.loadCollection(LoadCollectionReq.builder().collectionName(C).build());
    Random r = new Random(5);
    List<JsonObject> batch = new ArrayList<>();
    for (long id = 0; id < 4_000; id++) {
      float[] v = new float[DIM];
      JsonArray a = new JsonArray();
      for (int i = 0; i < DIM; i++) {
        v[i] = r.nextFloat();
        a.add(v[i]);
      }
      rows.put(id, v);
      JsonObject o = new JsonObject();
      o.addProperty("id", id);
      o.add("vec", a);
      batch.add(o);
    }
    c.insert(InsertReq.builder().collectionName(C).data(batch).build());
    LocalSealer.seal(admin.catalog(), C, cluster.kafka.bootstrapServers());
    c.close();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close(); // and the admin it made
    }
  }

  static MilvusClientV2 client(int node) {
    return new MilvusClientV2(ConnectConfig.builder().uri(cluster.uri(node)).rpcDeadlineMs(20_000).build());
  }

  static List<Long> exact(float[] q) {
    List<Long> pks = new ArrayList<>(rows.keySet());
    pks.sort(Comparator.<Long, Float>comparing(pk -> MetricType.L2.distance(q, rows.get(pk))).thenComparing(p -> p));
    return pks.subList(0, 10);
  }

  /** A search load on one node: records (time, correct?) per answer until stopped. */
  static final class Load implements AutoCloseable {
    final ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread;

    Load(int node) {
      MilvusClientV2 c = client(node);
      thread = new Thread(() -> {
        Random r = new Random(node);
        for (int i = 0; i < 100_000 && !stop.get(); i++) {
          float[] q = new float[DIM];
          for (int d = 0; d < DIM; d++) {
            q[d] = r.nextFloat();
          }
          boolean ok;
          try {
            SearchResp s = c.search(SearchReq.builder().collectionName(C).annsField("vec")
                .data(List.of(new FloatVec(q))).topK(10).consistencyLevel(ConsistencyLevel.BOUNDED).build());
            List<Long> got = new ArrayList<>();
            s.getSearchResults().get(0).forEach(h -> got.add((Long) h.getId()));
            ok = got.equals(exact(q));
          } catch (RuntimeException e) {
            ok = false;
          }
          answers.add(new long[] {System.nanoTime(), ok ? 1 : 0});
        }
        c.close();
      }, "search-load-" + node);
      thread.start();
    }

    /** Answers after {@code fromNanos}: all correct? */
    boolean allCorrectAfter(long fromNanos) {
      return answers.stream().filter(a -> a[0] >= fromNanos).allMatch(a -> a[1] == 1);
    }

    long countAfter(long fromNanos) {
      return answers.stream().filter(a -> a[0] >= fromNanos).count();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(30_000);
    }
  }

  static boolean everyShardOwnedByLiveNodes(List<QuiverServer> live) {
    Assignment a = admin.assignment();
    List<String> ids = live.stream().map(QuiverServer::nodeId).toList();
    for (int s = 0; s < 4; s++) {
      List<String> o = a.owners(C, s);
      if (o.size() != 2 || !ids.containsAll(o)) {
        return false;
      }
    }
    return true;
  }

  static QuiverServer leader(List<QuiverServer> live) {
    List<QuiverServer> leaders = live.stream().filter(n -> n.coordinator().isLeader()).toList();
    return leaders.size() == 1 ? leaders.get(0) : null;
  }

  /** Every shard still has its full set of owners in the published assignment (dead ones included). */
  static boolean everyShardAssigned() {
    Assignment a = admin.assignment();
    for (int s = 0; s < 4; s++) {
      if (a.owners(C, s).size() != 2) {
        return false;
      }
    }
    return true;
  }

  @Test
  void searchesSurviveNodeLossLeaderLossAndSessionExpiry() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> everyShardOwnedByLiveNodes(cluster.nodes)
        && leader(cluster.nodes) != null);
    List<QuiverServer> live = new ArrayList<>(cluster.nodes);
    QuiverServer leader = leader(live);
    // roles: the load's proxy, the node killed first and the node whose session expires are never the leader
    List<QuiverServer> others = live.stream().filter(n -> n != leader).toList();
    QuiverServer proxy = others.get(0);
    QuiverServer victim = others.get(1);
    QuiverServer expiring = others.get(2);
    try (Load load = new Load(live.indexOf(proxy))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> load.answers.size() > 20);
      assertThat(load.allCorrectAfter(0)).as("correct before any failure").isTrue();

      // 1. kill a query node
      long killed = System.nanoTime();
      victim.kill();
      live.remove(victim);
      long tenSeconds = killed + Duration.ofSeconds(10).toNanos();
      await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > tenSeconds && load.countAfter(tenSeconds) > 10);
      assertThat(load.allCorrectAfter(tenSeconds)).as("correct answers within 10 s of a node's death").isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> everyShardOwnedByLiveNodes(live));

      // 2. kill the coordinator leader, whoever it is now: a new leader within 5 s, no assignment lost
      QuiverServer current = leader(live);
      assertThat(current).as("one leader among the live nodes").isNotNull().isNotSameAs(proxy);
      long epoch = admin.assignment().epoch();
      long t0 = System.nanoTime();
      current.kill();
      live.remove(current);
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> leader(live) != null);
      assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to a new leader").isLessThan(5_000);
      assertThat(everyShardAssigned()).as("the published assignment survived the leader").isTrue();
      assertThat(admin.assignment().epoch()).as("epochs continue").isGreaterThanOrEqualTo(epoch);
      await().atMost(Duration.ofSeconds(20)).until(() -> everyShardOwnedByLiveNodes(live));
      long t1 = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > t1 && load.countAfter(t1) > 10);
      assertThat(load.allCorrectAfter(t1)).as("correct answers after the leader's death").isTrue();

      // 3. expire a node's ZooKeeper session: it stops serving, its shards move to the others
      List<QuiverServer> rest = new ArrayList<>(live);
      rest.remove(expiring);
      assertThat(rest).hasSize(2);
      AtomicBoolean stopped = new AtomicBoolean();
      AtomicBoolean moved = new AtomicBoolean();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher = new Thread(() -> {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (watching.get() && System.nanoTime() < end && !(stopped.get() && moved.get())) {
          if (expiring.node().serving().isEmpty()) {
            stopped.set(true);
          }
          if (everyShardOwnedByLiveNodes(rest)) {
            moved.set(true); // an assignment without the expired node: each shard on both remaining nodes
          }
        }
      }, "expiry-watcher");
      assertThat(expiring.node().serving()).as("serving before its session expires").isNotEmpty();
      watcher.start();
      expiring.cluster().zk().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
      watcher.join(31_000);
      watching.set(false);
      assertThat(stopped).as("the expired node stopped serving").isTrue();
      assertThat(moved).as("its shards moved to the remaining nodes").isTrue();
      long t2 = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > t2 && load.countAfter(t2) > 10);
      assertThat(load.allCorrectAfter(t2)).as("correct answers after the session expiry").isTrue();
      // with a new session it registers again and takes a share of the shards back
      await().atMost(Duration.ofSeconds(30)).until(() -> !expiring.node().serving().isEmpty()
          && everyShardOwnedByLiveNodes(live));
      assertThat(load.answers.size()).as("searches answered").isGreaterThan(50);
    }
  }
}
