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
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.GetReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.response.InsertResp;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import io.quiver.coordinator.ZkCluster;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Manifest;
import io.quiver.wal.WalWriter;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.search.Hit;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.search.Ranker;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.Snapshot;
import io.quiver.engine.search.SnapshotLoader;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.tools.LocalSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
 * The official Milvus Java SDK (MilvusClientV2) drives a 3-node Quiver serving cluster (ZooKeeper ensemble, KRaft
 * Kafka, S3Proxy warehouse) end to end; every answer is checked against the engine: brute force over the expected
 * rows while they are all in the WAL tail (exact), and the engine's in-process search over the same sealed segments
 * and index files once sealed. Sealing is done in the test through the engine API ({@link LocalSealer}), standing
 * in for the Flink ingestion job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MilvusClusterIT {
  static final String C = "docs";
  static final int DIM = 16;
  static final int ROWS = 20_000;
  static ServingCluster cluster;
  static MilvusClientV2 client;
  static ZkCluster admin;
  /** pk → [vector, year, title] of the live rows, as the test wrote them. */
  static final Map<Long, Object[]> expected = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = new ServingCluster(3, 2);
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

  static JsonObject row(long id, float[] v, int year) {
    JsonObject o = SdkRows.row(id, v);
    o.addProperty("year", year);
    o.addProperty("title", "doc " + id);
    return o;
  }

  /** Exact answer: brute force over the expected live rows (L2, ties by pk). */
  static List<Long> exact(float[] q, int k, Predicate<Object[]> filter) {
    return SdkRows.nearest(expected, q, k, filter);
  }

  static List<Long> ids(SearchResp r) {
    List<Long> out = new ArrayList<>();
    r.getSearchResults().get(0).forEach(h -> out.add((Long) h.getId()));
    return out;
  }

  @Test
  @Order(1)
  void createIndexLoad() {
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM).build());
    schema.addField(AddFieldReq.builder().fieldName("year").dataType(DataType.Int32).build());
    schema.addField(AddFieldReq.builder().fieldName("title").dataType(DataType.VarChar).maxLength(64).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(C).collectionSchema(schema).numShards(4)
        .build());
    client.createIndex(CreateIndexReq.builder().collectionName(C).indexParams(List.of(IndexParam.builder()
        .fieldName("vec").indexType(IndexParam.IndexType.HNSW).metricType(IndexParam.MetricType.L2)
        .extraParams(Map.of("M", 16, "efConstruction", 100)).build())).build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(C).build());
    assertThat(client.getLoadState(GetLoadStateReq.builder().collectionName(C).build())).isTrue();
    assertThat(admin.catalog().current(C).schema().field("vec").metric()).isEqualTo(MetricType.L2);
    assertThat(admin.catalog().current(C).indexSpecs().get("vec").kind()).isEqualTo("GRAPH");
  }

  @Test
  @Order(2)
  void insertThenStrongSearchSeesEveryRow() {
    Random r = new Random(7);
    for (int b = 0; b < ROWS / 5_000; b++) {
      List<JsonObject> rows = new ArrayList<>();
      for (long id = b * 5_000L; id < (b + 1) * 5_000L; id++) {
        Object[] e = expectedRow(id, vec(r));
        rows.add(row(id, (float[]) e[0], (Integer) e[1]));
        expected.put(id, e);
      }
      InsertResp resp = client.insert(InsertReq.builder().collectionName(C).data(rows).build());
      assertThat(resp.getInsertCnt()).isEqualTo(5_000);
    }
    // Right after the last insert returned: STRONG must see all of it (it is all in the WAL tail).
    for (int q = 0; q < 5; q++) {
      float[] query = vec(new Random(100 + q));
      SearchResp s = client.search(SearchReq.builder().collectionName(C).annsField("vec").data(List.of(new FloatVec(query)))
          .topK(10).filter("year > {y}").filterTemplateValues(Map.of("y", 2010)).outputFields(List.of("year"))
          .consistencyLevel(ConsistencyLevel.STRONG).build());
      assertThat(ids(s)).as("STRONG search %s right after insert", q)
          .isEqualTo(exact(query, 10, row -> (Integer) row[1] > 2010));
      s.getSearchResults().get(0).forEach(h -> assertThat((Integer) h.getEntity().get("year")).isGreaterThan(2010));
    }
    assertThat(count(null)).as("count(*) under STRONG").isEqualTo(ROWS);
  }

  /**
   * Rows written to the WAL in a Kafka transaction (a loader's all-or-nothing batch): invisible while it is open —
   * without holding up a STRONG read, whose end offsets are the committed ones —, all visible at its commit, and an
   * aborted one never.
   */
  @Test
  @Order(3)
  void aWalTransactionIsVisibleAtItsCommitOnly() {
    Manifest m = admin.catalog().current(C);
    Random r = new Random(11);
    try (WalWriter w = WalWriter.builder(cluster.kafka.bootstrapServers(), C, m.schema(), m.shards())
        .transactionalId("milvus-cluster-it").build()) {
      w.beginTransaction();
      w.insert(walRows(900_000, 10, r, null));
      w.abortTransaction();
      Map<Long, Object[]> committed = new TreeMap<>();
      w.beginTransaction();
      w.insert(walRows(900_100, 10, r, committed));
      assertThat(count(null)).as("count(*) under STRONG with a transaction open").isEqualTo(ROWS);
      w.commitTransaction();
      expected.putAll(committed);
    }
    assertThat(count(null)).as("count(*) under STRONG after the commit").isEqualTo(ROWS + 10);
    assertThat(count("id >= 900000 and id < 900010")).as("rows of the aborted transaction").isZero();
    float[] query = (float[]) expected.get(900_105L)[0];
    SearchResp s = client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(query))).topK(5).consistencyLevel(ConsistencyLevel.STRONG).build());
    assertThat(ids(s)).isEqualTo(exact(query, 5, row -> true));
  }

  /** {@code count} rows for a {@link WalWriter} from {@code first} on, also put into {@code into} when given. */
  static List<Map<String, Object>> walRows(long first, int count, Random r, Map<Long, Object[]> into) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = first; id < first + count; id++) {
      Object[] e = expectedRow(id, vec(r));
      rows.add(Map.of("id", id, "vec", e[0], "year", e[1], "title", e[2]));
      if (into != null) {
        into.put(id, e);
      }
    }
    return rows;
  }

  /** The [vector, year, title] of row {@code id} as the inserts write it. */
  static Object[] expectedRow(long id, float[] v) {
    return new Object[] {v, 1990 + (int) (id % 35), "doc " + id};
  }

  static long count(String filter) {
    QueryReq.QueryReqBuilder b = QueryReq.builder().collectionName(C).outputFields(List.of("count(*)"))
        .consistencyLevel(ConsistencyLevel.STRONG);
    if (filter != null) {
      b.filter(filter);
    }
    return (Long) client.query(b.build()).getQueryResults().get(0).getEntity().get("count(*)");
  }

  /** Seals the WAL through the engine and waits until every node has loaded it and dropped its tail rows. */
  static Manifest sealAndHandOff() {
    Manifest m = LocalSealer.seal(admin.catalog(), C, cluster.kafka.bootstrapServers());
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.nodes.stream().allMatch(n ->
        n.node().tailRows() == 0 && n.node().minManifestVersion(C) >= m.version()));
    return m;
  }

  /** The engine's own answers over the same manifest (same segments, same index files), in-process. */
  static <T> T inProcess(Manifest m, java.util.function.Function<Snapshot, T> f) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Path indexDir = Files.createTempDirectory("quiver-it-index");
    try (RootAllocator alloc = new RootAllocator();
        Snapshot s = SnapshotLoader.load(admin.catalog(), m, alloc,
            new IndexCache(indexDir), pool)) {
      return f.apply(s);
    } finally {
      pool.shutdown();
      TempDirs.deleteQuietly(indexDir);
    }
  }

  @Test
  @Order(4)
  void sealedSearchEqualsTheEnginesInProcessSearch() throws Exception {
    Manifest m = sealAndHandOff();
    assertThat(m.segments()).isNotEmpty();
    assertThat(m.segments().get(0).indexes()).containsKey("vec");
    for (int q = 0; q < 5; q++) {
      float[] query = vec(new Random(200 + q));
      SearchResp s = client.search(SearchReq.builder().collectionName(C).annsField("vec").data(List.of(new FloatVec(query)))
          .topK(10).offset(5).filter("year <= 2000").searchParams(Map.of("ef", 64))
          .consistencyLevel(ConsistencyLevel.STRONG).build());
      List<Object> engine = inProcess(m, snap -> snap.search(SearchRequest.builder("vec", query).k(10).offset(5)
          .filter(Predicates.parse("year <= 2000", snap.schema(), Map.of())).options(SearchOptions.width(64)).build())
          .stream().map(Hit::pk).toList());
      assertThat(ids(s)).as("sealed search %s", q).isEqualTo(engine);
    }
  }

  @Test
  @Order(5)
  void upsertDeleteQueryGetCount() {
    Random r = new Random(11);
    List<JsonObject> ups = new ArrayList<>();
    for (long id = 0; id < 300; id++) {
      float[] v = vec(r);
      ups.add(row(id, v, 2030));
      expected.put(id, new Object[] {v, 2030, "doc " + id});
    }
    client.upsert(UpsertReq.builder().collectionName(C).data(ups).build());
    List<Object> dels = new ArrayList<>();
    for (long id = 250; id < 400; id++) {
      dels.add(id);
      expected.remove(id);
    }
    client.delete(DeleteReq.builder().collectionName(C).ids(dels).build());

    assertThat(count(null)).isEqualTo(expected.size());
    assertThat(count("year == 2030")).isEqualTo(250);
    QueryResp q = client.query(QueryReq.builder().collectionName(C).filter("year == 2030 and id >= 100")
        .outputFields(List.of("id", "year", "title")).limit(20).offset(10)
        .consistencyLevel(ConsistencyLevel.STRONG).build());
    assertThat(q.getQueryResults()).extracting(x -> x.getEntity().get("id"))
        .isEqualTo(java.util.stream.LongStream.range(110, 130).boxed().toList());
    var got = client.get(GetReq.builder().collectionName(C).ids(List.of(5L, 260L, 1000L)).outputFields(List.of("vec",
        "year")).build());
    assertThat(got.getGetResults()).extracting(x -> x.getEntity().get("id")).containsExactlyInAnyOrder(5L, 1000L);
    got.getGetResults().forEach(x -> {
      long id = (Long) x.getEntity().get("id");
      assertThat(x.getEntity().get("year")).isEqualTo(expected.get(id)[1]);
      @SuppressWarnings("unchecked")
      List<Float> v = (List<Float>) x.getEntity().get("vec");
      float[] want = (float[]) expected.get(id)[0];
      for (int i = 0; i < DIM; i++) {
        assertThat(v.get(i)).isEqualTo(want[i]);
      }
    });
    // Mixed sealed (HNSW) + tail rows: upserted and deleted keys must follow the row order rule.
    for (int i = 0; i < 3; i++) {
      float[] query = (float[]) expected.get((long) i)[0];
      SearchResp s = client.search(SearchReq.builder().collectionName(C).annsField("vec").data(List.of(new FloatVec(query)))
          .topK(20).searchParams(Map.of("ef", 200)).consistencyLevel(ConsistencyLevel.STRONG).build());
      List<Long> hits = ids(s);
      assertThat(hits.get(0)).as("the upserted row itself").isEqualTo((long) i);
      assertThat(hits).doesNotContainAnyElementsOf(dels.stream().map(o -> (Long) o).toList());
      List<Long> exact = exact(query, 20, row -> true);
      long overlap = hits.stream().filter(exact::contains).count();
      assertThat(overlap).as("recall@20 against brute force").isGreaterThanOrEqualTo(18);
    }
  }

  @Test
  @Order(6)
  void hybridRangeAndGroupBySearchEqualTheEngine() throws Exception {
    Manifest m = sealAndHandOff();
    float[] q1 = vec(new Random(301));
    float[] q2 = vec(new Random(302));
    SearchResp h = client.hybridSearch(HybridSearchReq.builder().collectionName(C).searchRequests(List.of(
        AnnSearchReq.builder().vectorFieldName("vec").vectors(List.of(new FloatVec(q1))).limit(30)
            .filter("year > 2000").params("{\"ef\": 64}").build(),
        AnnSearchReq.builder().vectorFieldName("vec").vectors(List.of(new FloatVec(q2))).limit(30)
            .params("{\"ef\": 64}").build()))
        .ranker(new RRFRanker(60)).limit(10).consistencyLevel(ConsistencyLevel.STRONG).build());
    List<Object> engine = inProcess(m, snap -> snap.hybridSearch(List.of(
        SearchRequest.builder("vec", q1).k(30).options(SearchOptions.width(64))
            .filter(Predicates.parse("year > 2000", snap.schema(), Map.of())).build(),
        SearchRequest.builder("vec", q2).k(30).options(SearchOptions.width(64)).build()), Ranker.rrf(60), 10, 0,
        List.of()).stream().map(Hit::pk).toList());
    assertThat(ids(h)).as("hybrid search (RRF)").isEqualTo(engine);

    SearchResp range = client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(q1))).topK(50).searchParams(Map.of("ef", 128, "radius", 0.9, "range_filter", 0.3))
        .consistencyLevel(ConsistencyLevel.STRONG).build());
    List<Object> engineRange = inProcess(m, snap -> snap.search(SearchRequest.builder("vec", q1).k(50)
        .options(SearchOptions.width(128)).range(0.9f, 0.3f).build()).stream().map(Hit::pk).toList());
    assertThat(ids(range)).as("range search").isEqualTo(engineRange);
    range.getSearchResults().get(0).forEach(x -> assertThat(x.getScore()).isBetween(0.3f, 0.9f));

    SearchResp grouped = client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(q2))).topK(5).groupByFieldName("year").groupSize(2).searchParams(Map.of("ef", 64))
        .outputFields(List.of("year")).consistencyLevel(ConsistencyLevel.STRONG).build());
    List<Object> years = new ArrayList<>();
    grouped.getSearchResults().get(0).forEach(x -> years.add(x.getEntity().get("year")));
    assertThat(years.stream().distinct().count()).as("groups").isLessThanOrEqualTo(5);
    assertThat(years.size()).isLessThanOrEqualTo(10);
  }

  @Test
  @Order(7)
  void badInputIsRefusedWithAMilvusStatusAndLosesNothing() {
    long before = count(null);
    float[] ok = vec(new Random(1));
    assertRefused(() -> client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(new float[] {1f, 2f}))).topK(5).build()), "vec", "dimension 2");
    float[] nan = ok.clone();
    nan[3] = Float.NaN;
    assertRefused(() -> client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(nan))).topK(5).build()), "vec", "NaN");
    assertRefused(() -> client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(ok))).topK(5).filter("nosuch > 3").build()), "nosuch", "");
    assertRefused(() -> client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(ok))).topK(5).filter("year >> 3 and (").build()), "", "");
    assertRefused(() -> client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(ok))).topK(20_000).build()), "topk", "20000");
    assertRefused(() -> client.search(SearchReq.builder().collectionName("nosuch").annsField("vec")
        .data(List.of(new FloatVec(ok))).topK(5).build()), "nosuch", "collection not found");
    JsonObject bad = row(99_999, new float[] {1f, 2f}, 2000);
    assertRefused(() -> client.insert(InsertReq.builder().collectionName(C).data(List.of(bad)).build()), "vec", "");
    JsonObject nanRow = row(99_998, nan, 2000);
    assertRefused(() -> client.insert(InsertReq.builder().collectionName(C).data(List.of(nanRow)).build()), "vec",
        "NaN");
    JsonObject good = row(99_997, ok, 2000);
    assertRefused(() -> client.insert(InsertReq.builder().collectionName("nosuch").data(List.of(good)).build()),
        "nosuch", "");
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
    schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM).build());
    client.createCollection(CreateCollectionReq.builder().collectionName("unloaded").collectionSchema(schema).build());
    JsonObject small = new JsonObject();
    small.addProperty("id", 1L);
    com.google.gson.JsonArray a = new com.google.gson.JsonArray();
    for (float f : ok) {
      a.add(f);
    }
    small.add("vec", a);
    assertRefused(() -> client.insert(InsertReq.builder().collectionName("unloaded").data(List.of(small)).build()),
        "unloaded", "not loaded");
    client.dropCollection(DropCollectionReq.builder().collectionName("unloaded").build());
    assertThat(count(null)).as("nothing accepted was lost, nothing refused was written").isEqualTo(before);
  }

  static void assertRefused(Runnable call, String mentions, String alsoMentions) {
    assertThatThrownBy(call::run).isInstanceOf(MilvusClientException.class)
        .hasMessageContaining(mentions).hasMessageContaining(alsoMentions);
  }

  @Test
  @Order(8)
  void releaseThenDrop() {
    client.releaseCollection(ReleaseCollectionReq.builder().collectionName(C).build());
    assertThat(client.getLoadState(GetLoadStateReq.builder().collectionName(C).build())).isFalse();
    assertRefused(() -> client.search(SearchReq.builder().collectionName(C).annsField("vec")
        .data(List.of(new FloatVec(vec(new Random(3))))).topK(5).build()), "not loaded", "");
    client.dropCollection(DropCollectionReq.builder().collectionName(C).build());
    assertThat(client.hasCollection(HasCollectionReq.builder().collectionName(C).build())).isFalse();
    for (QuiverServer n : cluster.nodes) {
      await().atMost(Duration.ofSeconds(10)).until(() -> n.node().serving().isEmpty());
    }
  }
}
