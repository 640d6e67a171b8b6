package io.quiver.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.partition.request.CreatePartitionReq;
import io.milvus.v2.service.partition.request.DropPartitionReq;
import io.milvus.v2.service.partition.request.GetPartitionStatsReq;
import io.milvus.v2.service.partition.request.HasPartitionReq;
import io.milvus.v2.service.partition.request.ListPartitionsReq;
import io.milvus.v2.service.partition.request.LoadPartitionsReq;
import io.milvus.v2.service.partition.request.ReleasePartitionsReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.GetReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import io.quiver.coordinator.ZkCluster;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.LoadedSegment;
import io.quiver.engine.search.Snapshot;
import io.quiver.engine.search.SnapshotLoader;
import io.quiver.engine.wal.Sharding;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.tools.LocalSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Milvus partitions through the official Java SDK on a 2-node cluster: named partitions (create, list, has, insert
 * into one, search/query/get/delete restricted to some, statistics, drop), a partition key field (rows hashed into
 * {@code _default_0..}, sealed segments per partition), {@code output_fields=["*"]} with dynamic keys, and BOUNDED
 * consistency with a staleness bound of 1 ms (a read right after an insert sees it), Load/ReleasePartitions and
 * GetLoadState per partition, and partition-key filters read through only the partitions the key's values hash to.
 * Answers are checked against the rows the test wrote (brute force).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionsIT {
  static final String NAMED = "parts";
  static final String KEYED = "tenants";
  static final int DIM = 8;
  static ServingCluster cluster;
  static MilvusClientV2 client;
  static ZkCluster admin;
  /** pk → [vector, partition] of the live rows of NAMED. */
  static final Map<Long, Object[]> rows = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = new ServingCluster(0, 1, 1);
    for (int i = 0; i < 2; i++) {
      // BOUNDED staleness 1 ms: a BOUNDED read waits until the tail was caught up after the read began
      cluster.nodes.add(QuiverServer.start(cluster.config("node" + i, 1, -1, null, null, null, 1)));
    }
    client = cluster.client(0);
    admin = cluster.admin();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close(); // and the client and admin it made
    }
  }

  static float[] vec(Random r) {
    return SdkRows.vec(r, DIM);
  }

  static JsonObject row(long id, float[] v) {
    return SdkRows.row(id, v);
  }

  static List<Long> exact(float[] q, int k, Predicate<Object[]> filter) {
    return SdkRows.nearest(rows, q, k, filter);
  }

  static List<Long> ids(SearchResp r) {
    List<Long> out = new ArrayList<>();
    r.getSearchResults().get(0).forEach(h -> out.add((Long) h.getId()));
    return out;
  }

  static CreateCollectionReq.CollectionSchema schema(boolean dynamic) {
    CreateCollectionReq.CollectionSchema s = CreateCollectionReq.CollectionSchema.builder()
        .enableDynamicField(dynamic).build();
    s.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false)
        .build());
    s.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM).build());
    return s;
  }

  static void flatIndexAndLoad(String c) {
    client.createIndex(CreateIndexReq.builder().collectionName(c).indexParams(List.of(IndexParam.builder()
        .fieldName("vec").indexType(IndexParam.IndexType.FLAT).metricType(IndexParam.MetricType.L2).build()))
        .build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(c).build());
  }

  static void insert(String partition, long from, long to, Random r) {
    List<JsonObject> batch = new ArrayList<>();
    for (long id = from; id < to; id++) {
      float[] v = vec(r);
      batch.add(row(id, v));
      rows.put(id, new Object[] {v, partition});
    }
    InsertReq.InsertReqBuilder b = InsertReq.builder().collectionName(NAMED).data(batch);
    if (!partition.equals("_default")) {
      b.partitionName(partition);
    }
    assertThat(client.insert(b.build()).getInsertCnt()).isEqualTo(to - from);
  }

  static SearchResp search(float[] q, List<String> partitions) {
    return client.search(SearchReq.builder().collectionName(NAMED).annsField("vec").data(List.of(new FloatVec(q)))
        .topK(10).partitionNames(partitions).consistencyLevel(ConsistencyLevel.STRONG).build());
  }

  static long count(String c, List<String> partitions, String filter) {
    QueryReq.QueryReqBuilder b = QueryReq.builder().collectionName(c).outputFields(List.of("count(*)"))
        .partitionNames(partitions).consistencyLevel(ConsistencyLevel.STRONG);
    if (filter != null) {
      b.filter(filter);
    }
    return (Long) client.query(b.build()).getQueryResults().get(0).getEntity().get("count(*)");
  }

  /** Sealed bytes the nodes hold in memory, over all collections. */
  static long loadedBytes() {
    return cluster.nodes.stream().mapToLong(n -> n.node().loadedBytes()).sum();
  }

  static Manifest sealAndHandOff(String c) {
    Manifest m = LocalSealer.seal(admin.catalog(), c, cluster.kafka.bootstrapServers());
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.nodes.stream().allMatch(n ->
        n.node().tailRows() == 0 && n.node().minManifestVersion(c) >= m.version()));
    return m;
  }

  /** Searches of every partition combination agree with brute force over the rows of those partitions. */
  static void checkSearches(int seed) {
    List<List<String>> combos = List.of(List.of(), List.of("p1"), List.of("p2"), List.of("_default", "p2"));
    for (int q = 0; q < 4; q++) {
      float[] query = vec(new Random(seed + q));
      for (List<String> parts : combos) {
        Predicate<Object[]> in = r -> parts.isEmpty() || parts.contains((String) r[1]);
        assertThat(ids(search(query, parts))).as("search %s in %s", q, parts).isEqualTo(exact(query, 10, in));
      }
    }
  }

  @Test
  @Order(1)
  void namedPartitionsRestrictWritesAndReads() {
    client.createCollection(CreateCollectionReq.builder().collectionName(NAMED).collectionSchema(schema(false))
        .numShards(2).build());
    flatIndexAndLoad(NAMED);
    client.createPartition(CreatePartitionReq.builder().collectionName(NAMED).partitionName("p1").build());
    client.createPartition(CreatePartitionReq.builder().collectionName(NAMED).partitionName("p2").build());
    assertThat(client.listPartitions(ListPartitionsReq.builder().collectionName(NAMED).build()))
        .containsExactly("_default", "p1", "p2");
    assertThat(client.hasPartition(HasPartitionReq.builder().collectionName(NAMED).partitionName("p2").build()))
        .isTrue();
    assertThat(client.hasPartition(HasPartitionReq.builder().collectionName(NAMED).partitionName("p3").build()))
        .isFalse();

    Random r = new Random(3);
    insert("_default", 0, 300, r);
    insert("p1", 300, 700, r);
    insert("p2", 700, 1_200, r);
    checkSearches(100); // all in the WAL tail
    assertThat(count(NAMED, List.of("p1"), null)).isEqualTo(400);
    assertThat(count(NAMED, List.of("p1", "p2"), "id >= 600")).isEqualTo(600);
    assertThat(count(NAMED, List.of(), null)).isEqualTo(1_200);
    QueryResp q = client.query(QueryReq.builder().collectionName(NAMED).filter("id in [5, 305, 705]")
        .partitionNames(List.of("p1")).outputFields(List.of("id")).consistencyLevel(ConsistencyLevel.STRONG).build());
    assertThat(q.getQueryResults()).extracting(e -> e.getEntity().get("id")).containsExactly(305L);
    // by ids (the SDK's get drops GetReq.partitionName, so a query by ids shows the restriction)
    assertThat(client.query(QueryReq.builder().collectionName(NAMED).ids(List.of(5L, 705L))
        .partitionNames(List.of("p2")).consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults())
        .extracting(e -> e.getEntity().get("id")).containsExactly(705L);
    assertThat(client.get(GetReq.builder().collectionName(NAMED).ids(List.of(5L, 705L)).build()).getGetResults())
        .extracting(e -> e.getEntity().get("id")).containsExactly(5L, 705L);
  }

  @Test
  @Order(2)
  void sealedSegmentsKeepTheirPartitionAndDeletesAndDropsApply() {
    Manifest m = sealAndHandOff(NAMED);
    Set<String> sealed = new TreeSet<>();
    m.segments().forEach(s -> sealed.add(s.stats().partition()));
    assertThat(sealed).as("one segment per (shard, partition)").containsExactly("_default", "p1", "p2");
    checkSearches(200);

    // a delete by filter restricted to p1 leaves the same filter's matches in other partitions alone
    client.delete(DeleteReq.builder().collectionName(NAMED).partitionName("p1").filter("id % 2 == 0").build());
    rows.entrySet().removeIf(e -> e.getValue()[1].equals("p1") && e.getKey() % 2 == 0);
    assertThat(count(NAMED, List.of("p1"), null)).isEqualTo(200);
    assertThat(count(NAMED, List.of("p2"), "id % 2 == 0")).isEqualTo(250);
    assertThat(client.getPartitionStats(GetPartitionStatsReq.builder().collectionName(NAMED).partitionName("p1")
        .build()).getNumOfEntities()).isEqualTo(200);

    // rows of p2 both sealed and in the tail; dropping p2 hides both, at once
    insert("p2", 2_000, 2_050, new Random(4));
    client.dropPartition(DropPartitionReq.builder().collectionName(NAMED).partitionName("p2").build());
    rows.entrySet().removeIf(e -> e.getValue()[1].equals("p2"));
    assertThat(client.listPartitions(ListPartitionsReq.builder().collectionName(NAMED).build()))
        .containsExactly("_default", "p1");
    assertThat(count(NAMED, List.of(), null)).isEqualTo(rows.size());
    for (int i = 0; i < 3; i++) {
      float[] query = vec(new Random(300 + i));
      assertThat(ids(search(query, List.of()))).as("search after the drop").isEqualTo(exact(query, 10, r -> true));
    }
    // sealing the WAL rows of the dropped partition drops them instead of failing the commit
    Manifest after = sealAndHandOff(NAMED);
    assertThat(after.segments()).extracting(s -> s.stats().partition()).doesNotContain("p2");
    assertThat(count(NAMED, List.of(), null)).isEqualTo(rows.size());
  }

  @Test
  @Order(3)
  void partitionErrorsAreMilvusStatuses() {
    assertThatThrownBy(() -> client.insert(InsertReq.builder().collectionName(NAMED).partitionName("nope")
        .data(List.of(row(9_999, vec(new Random(1))))).build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition not found[partition=nope]");
    assertThatThrownBy(() -> search(vec(new Random(1)), List.of("nope"))).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition not found[partition=nope]");
    assertThatThrownBy(() -> client.dropPartition(DropPartitionReq.builder().collectionName(NAMED)
        .partitionName("_default").build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("default partition cannot be dropped");
    assertThatThrownBy(() -> client.createPartition(CreatePartitionReq.builder().collectionName(NAMED)
        .partitionName("p1").build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition already exists[partition=p1]");
    assertThatThrownBy(() -> client.createPartition(CreatePartitionReq.builder().collectionName(NAMED)
        .partitionName("9bad-name").build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition_name").hasMessageContaining("9bad-name");
    assertThat(count(NAMED, List.of(), null)).as("nothing written by the refused insert").isEqualTo(rows.size());
  }

  @Test
  @Order(4)
  void partitionKeyHashesRowsIntoPartitionsAndStarReturnsDynamicKeys() throws Exception {
    CreateCollectionReq.CollectionSchema s = schema(true);
    s.addField(AddFieldReq.builder().fieldName("tenant").dataType(DataType.VarChar).maxLength(32)
        .isPartitionKey(true).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(KEYED).collectionSchema(s).numShards(2)
        .numPartitions(4).build());
    flatIndexAndLoad(KEYED);
    List<String> parts = client.listPartitions(ListPartitionsReq.builder().collectionName(KEYED).build());
    assertThat(parts).containsExactly("_default_0", "_default_1", "_default_2", "_default_3");

    Random r = new Random(9);
    List<JsonObject> batch = new ArrayList<>();
    for (long id = 0; id < 400; id++) {
      JsonObject o = row(id, vec(r));
      o.addProperty("tenant", "t" + (id % 8));
      o.addProperty("color", id % 2 == 0 ? "red" : "blue"); // a dynamic key
      batch.add(o);
    }
    client.insert(InsertReq.builder().collectionName(KEYED).data(batch).build());
    assertThat(count(KEYED, List.of(), "tenant == \"t3\"")).isEqualTo(50);

    // "*" returns every declared field and the dynamic keys, as Milvus does
    QueryResp star = client.query(QueryReq.builder().collectionName(KEYED).filter("id in [6, 7]")
        .outputFields(List.of("*")).consistencyLevel(ConsistencyLevel.STRONG).build());
    assertThat(star.getQueryResults()).hasSize(2);
    Map<String, Object> six = star.getQueryResults().get(0).getEntity();
    assertThat(six).containsEntry("id", 6L).containsEntry("tenant", "t6").containsEntry("color", "red")
        .containsKey("vec");
    assertThat(star.getQueryResults().get(1).getEntity()).containsEntry("color", "blue");
    SearchResp hits = client.search(SearchReq.builder().collectionName(KEYED).annsField("vec")
        .data(List.of(new FloatVec(vec(new Random(1))))).topK(5).outputFields(List.of("*"))
        .consistencyLevel(ConsistencyLevel.STRONG).build());
    hits.getSearchResults().get(0).forEach(h -> assertThat(h.getEntity()).containsKeys("tenant", "color", "vec"));

    assertThatThrownBy(() -> client.createPartition(CreatePartitionReq.builder().collectionName(KEYED)
        .partitionName("x").build())).isInstanceOf(MilvusClientException.class).hasMessageContaining("partition key");
    assertThatThrownBy(() -> client.search(SearchReq.builder().collectionName(KEYED).annsField("vec")
        .data(List.of(new FloatVec(vec(r)))).topK(5).partitionNames(List.of("_default_1")).build()))
        .isInstanceOf(MilvusClientException.class).hasMessageContaining("partition key");

    Manifest m = sealAndHandOff(KEYED);
    assertThat(m.segments()).extracting(seg -> seg.stats().partition()).hasSizeGreaterThan(1);
    // every sealed row sits in the partition its tenant hashes to (read through the engine)
    int checked = 0;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Path indexDir = Files.createTempDirectory("quiver-parts-index");
    try (RootAllocator alloc = new RootAllocator();
        Snapshot snap = SnapshotLoader.load(admin.catalog(), m, alloc,
            new IndexCache(indexDir), pool)) {
      FieldSchema tenant = snap.schema().field("tenant");
      for (LoadedSegment seg : snap.segments()) {
        assertThat(parts).contains(seg.entry().stats().partition());
        for (int ord = 0; ord < seg.size(); ord++) {
          assertThat(Sharding.partitionOfKey(seg.data().value(tenant, ord), parts)).as("row %s", seg.pk(ord))
              .isEqualTo(seg.entry().stats().partition());
          checked++;
        }
      }
    } finally {
      pool.shutdown();
      TempDirs.deleteQuietly(indexDir);
    }
    assertThat(checked).isEqualTo(400);
    assertThat(count(KEYED, List.of(), "tenant == \"t3\"")).as("after sealing").isEqualTo(50);
    // Filters pinning the key read only its partitions (PartitionsTest); answers stay exact, sealed and tail rows.
    client.insert(InsertReq.builder().collectionName(KEYED).data(List.of(tenantRow(400, "t3"), tenantRow(401, "t5")))
        .build());
    assertThat(count(KEYED, List.of(), "tenant in [\"t1\", \"t5\"]")).isEqualTo(101);
    assertThat(client.query(QueryReq.builder().collectionName(KEYED).filter("tenant == \"t3\" and id < 40 or "
        + "tenant == \"t3\" and id >= 400").outputFields(List.of("id")).consistencyLevel(ConsistencyLevel.STRONG)
        .build()).getQueryResults()).extracting(e -> e.getEntity().get("id"))
        .containsExactlyInAnyOrder(3L, 11L, 19L, 27L, 35L, 400L);
    SearchResp t3 = client.search(SearchReq.builder().collectionName(KEYED).annsField("vec")
        .data(List.of(new FloatVec(vec(new Random(2))))).topK(60).filter("tenant == \"t3\"")
        .outputFields(List.of("tenant")).consistencyLevel(ConsistencyLevel.STRONG).build());
    assertThat(t3.getSearchResults().get(0)).as("every t3 row, nothing else").hasSize(51)
        .allSatisfy(h -> assertThat(h.getEntity()).containsEntry("tenant", "t3"));
    // hybrid search: each sub-search reads the partitions of its own filter's tenant
    SearchResp both = client.hybridSearch(HybridSearchReq.builder().collectionName(KEYED).searchRequests(List.of(
        AnnSearchReq.builder().vectorFieldName("vec").vectors(List.of(new FloatVec(vec(new Random(3))))).limit(60)
            .filter("tenant == \"t3\"").build(),
        AnnSearchReq.builder().vectorFieldName("vec").vectors(List.of(new FloatVec(vec(new Random(4))))).limit(60)
            .filter("tenant == \"t5\"").build()))
        .ranker(new RRFRanker(60)).limit(200).outFields(List.of("tenant"))
        .consistencyLevel(ConsistencyLevel.STRONG).build());
    assertThat(both.getSearchResults().get(0)).as("every t3 and t5 row, nothing else").hasSize(102)
        .extracting(h -> h.getEntity().get("tenant")).containsOnly("t3", "t5");
    assertThatThrownBy(() -> client.loadPartitions(LoadPartitionsReq.builder().collectionName(KEYED)
        .partitionNames(List.of("_default_1")).build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition key");
  }

  static JsonObject tenantRow(long id, String tenant) {
    JsonObject o = row(id, vec(new Random(id)));
    o.addProperty("tenant", tenant);
    return o;
  }

  @Test
  @Order(5)
  void boundedReadsWithATightBoundSeeWhatWasJustWritten() {
    Random r = new Random(12);
    for (long id = 10_000; id < 10_020; id++) {
      float[] v = vec(r);
      client.insert(InsertReq.builder().collectionName(NAMED).data(List.of(row(id, v))).build());
      rows.put(id, new Object[] {v, "_default"});
      QueryResp q = client.query(QueryReq.builder().collectionName(NAMED).filter("id == " + id)
          .outputFields(List.of("id")).consistencyLevel(ConsistencyLevel.BOUNDED).build());
      assertThat(q.getQueryResults()).as("BOUNDED (1 ms) read of row %s right after its insert", id).hasSize(1);
    }
  }
  static boolean loaded(String partition) {
    GetLoadStateReq.GetLoadStateReqBuilder b = GetLoadStateReq.builder().collectionName(NAMED);
    if (partition != null) {
      b.partitionName(partition);
    }
    return client.getLoadState(b.build());
  }

  @Test
  @Order(6)
  void releasedPartitionsAreNotReadAndLoadPartitionsBringsThemBack() {
    assertThat(client.listPartitions(ListPartitionsReq.builder().collectionName(NAMED).build()))
        .containsExactly("_default", "p1");
    long held = loadedBytes();
    long p1Bytes = admin.catalog().current(NAMED).segments().stream().filter(s -> s.stats().partition().equals("p1"))
        .mapToLong(s -> s.stats().dataBytes()).sum();
    assertThat(p1Bytes).as("p1 has sealed rows").isPositive();
    client.releasePartitions(ReleasePartitionsReq.builder().collectionName(NAMED).partitionNames(List.of("p1"))
        .build());
    // the nodes drop p1's sealed segments from memory (one replica each here)
    await("p1's sealed segments released by the nodes").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50)).until(() -> loadedBytes() == held - p1Bytes);
    assertThat(loaded("p1")).as("p1 after ReleasePartitions").isFalse();
    assertThat(loaded("_default")).isTrue();
    assertThat(loaded(null)).as("the collection, one partition still loaded").isTrue();
    assertThatThrownBy(() -> search(vec(new Random(1)), List.of("p1"))).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition not loaded[partition=p1]");
    assertThatThrownBy(() -> count(NAMED, List.of("_default", "p1"), null))
        .isInstanceOf(MilvusClientException.class).hasMessageContaining("partition not loaded[partition=p1]");
    // reads naming no partition see the loaded ones only
    long defaults = rows.values().stream().filter(r -> r[1].equals("_default")).count();
    assertThat(count(NAMED, List.of(), null)).isEqualTo(defaults);
    for (int i = 0; i < 3; i++) {
      float[] query = vec(new Random(400 + i));
      assertThat(ids(search(query, List.of()))).as("search with p1 released")
          .isEqualTo(exact(query, 10, r -> r[1].equals("_default")));
    }

    // deleting keys named outright reaches released partitions too (as in Milvus); a filter naming one does not
    long gone = rows.entrySet().stream().filter(e -> e.getValue()[1].equals("p1")).findFirst().orElseThrow().getKey();
    assertThat(client.delete(DeleteReq.builder().collectionName(NAMED).ids(List.of(gone)).build()).getDeleteCnt())
        .isEqualTo(1);
    rows.remove(gone);
    assertThatThrownBy(() -> client.delete(DeleteReq.builder().collectionName(NAMED).partitionName("p1")
        .filter("id > 0").build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition not loaded[partition=p1]");

    client.loadPartitions(LoadPartitionsReq.builder().collectionName(NAMED).partitionNames(List.of("p1")).build());
    assertThat(loaded("p1")).as("p1 after LoadPartitions").isTrue();
    // reads of p1 wait for the nodes to load its segments again (bounded), so they see them at once
    checkSearchesOf(List.of(List.of(), List.of("p1"), List.of("_default", "p1")), 500);
    assertThat(loadedBytes()).as("p1's segments held again").isEqualTo(held);
    assertThat(count(NAMED, List.of("p1"), "id == " + gone)).as("row %s deleted while p1 was released", gone)
        .isZero();

    // releasing every partition releases the collection; LoadCollection loads them all again
    client.releasePartitions(ReleasePartitionsReq.builder().collectionName(NAMED)
        .partitionNames(List.of("_default", "p1")).build());
    assertThat(loaded(null)).as("the collection after releasing all its partitions").isFalse();
    assertThatThrownBy(() -> search(vec(new Random(1)), List.of())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("collection not loaded");
    assertThatThrownBy(() -> client.releasePartitions(ReleasePartitionsReq.builder().collectionName(NAMED)
        .partitionNames(List.of("nope")).build())).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining("partition not found[partition=nope]");
    client.loadCollection(LoadCollectionReq.builder().collectionName(NAMED).build());
    // the coordinator may still be applying the release (its shards unassigned) right after the load returned
    await("p1 and _default loaded again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> loaded("p1") && loaded("_default"));
    checkSearchesOf(List.of(List.of(), List.of("p1")), 600);
  }

  static void checkSearchesOf(List<List<String>> combos, int seed) {
    for (int q = 0; q < 3; q++) {
      float[] query = vec(new Random(seed + q));
      for (List<String> parts : combos) {
        Predicate<Object[]> in = r -> parts.isEmpty() || parts.contains((String) r[1]);
        assertThat(ids(search(query, parts))).as("search %s in %s", q, parts).isEqualTo(exact(query, 10, in));
      }
    }
  }
}
