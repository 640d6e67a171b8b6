package io.quiver.examples.quickstart;

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
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.quiver.embedded.EmbeddedServers;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.PointerStoreProvider;
import io.quiver.flink.IngestionJob;
import io.quiver.flink.IngestionOptions;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver quickstart}: the whole system in one JVM on 127.0.0.1 — Kafka (KRaft), ZooKeeper and S3 (S3Proxy)
 * embedded, a serving node with the Milvus API, the Flink ingestion job on a MiniCluster — and a tour through it
 * with the official Milvus Java SDK, ending with a Spark read of the same collection.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Start everything on embedded defaults and take the tour (MNIST digits through Kafka, Flink, S3, "
        + "the Milvus API and Spark).")
public final class QuickstartCommand implements Callable<Integer> {
  static final String COLLECTION = "mnist";

  @Option(names = "--exit", description = "Stop after the tour instead of serving until Ctrl-C.")
  boolean exit;

  @Option(names = "--rows", defaultValue = "3000", description = "MNIST images to stream (1..9000, default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--port", defaultValue = "19530", description = "Milvus API port; another free one if taken (default ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    if (rows < 10 || rows > 9_000) {
      throw new IllegalArgumentException("--rows must be between 10 and 9000, got " + rows);
    }
    Tour tour = new Tour(System.out);
    Path work = Files.createTempDirectory("quiver-quickstart");
    // counted down once everything below is closed and deleted: a SIGTERM's shutdown hook waits for it, or the JVM
    // would halt while the servers are still closing and leave their directories behind
    CountDownLatch cleanedUp = new CountDownLatch(1);
    try {
      tourAndServe(tour, work, cleanedUp);
    } finally {
      TempDirs.deleteQuietly(work);
      cleanedUp.countDown();
    }
    return 0;
  }

  private void tourAndServe(Tour tour, Path work, CountDownLatch cleanedUp) throws Exception {
    tour.step("Loading " + rows + " MNIST digits (784-d images with labels) from datasets/mnist10k");
    MnistData data = MnistData.load(rows);
    tour.done();

    tour.step("Starting Kafka (KRaft), ZooKeeper and S3 (S3Proxy) on 127.0.0.1");
    try (EmbeddedServers servers = EmbeddedServers.builder().zookeeper().s3().kafka().start()) {
      tour.say("Kafka %s, ZooKeeper %s, S3 %s", servers.kafka().bootstrapServers(), servers.zookeeper().connectString(),
          servers.s3().endpoint());
      tour.done();
      String warehouse = servers.s3().warehouseUri("warehouse");
      Map<String, String> hadoop = new HashMap<>(servers.s3().hadoopProperties());
      hadoop.put(PointerStoreProvider.ZOOKEEPER, servers.zookeeper().connectString());
      hadoop.put(PointerStoreProvider.ZOOKEEPER_NAMESPACE, "quiver");

      tour.step("Starting a serving node: query node + Milvus API + coordinator");
      int apiPort = choosePort(port, tour);
      ServerConfig config = new ServerConfig("node-1", servers.zookeeper().connectString(), "quiver",
          servers.kafka().bootstrapServers(), warehouse, hadoop, "127.0.0.1", apiPort, -1, work.resolve("cache"),
          2L << 30, 1, 2, 10_000, 30_000, null, null, null);
      try (QuiverServer server = QuiverServer.start(config)) {
        tour.say("Milvus API on %s", server.address());
        tour.done();
        String uri = "http://" + server.address();
        MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(uri).build());
        try {
          runTour(tour, client, data, warehouse, hadoop, servers.kafka().bootstrapServers());
          printConnectInfo(tour, uri);
          if (!exit) {
            tour.say("Serving until Ctrl-C ...");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
              stop.countDown();
              try {
                cleanedUp.await(30, TimeUnit.SECONDS); // bounded: a hung close must not keep the JVM from exiting
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }, "quiver-quickstart-stop"));
            stop.await();
          }
        } finally {
          client.close();
        }
      }
    }
  }

  private void runTour(Tour tour, MilvusClientV2 client, MnistData data, String warehouse,
      Map<String, String> hadoop, String bootstrap) throws Exception {
    tour.step("Creating collection '" + COLLECTION + "' through the Milvus SDK: id INT64, image FLOAT_VECTOR(784), "
        + "digit INT32, label VARCHAR; HNSW index (Quiver's GRAPH)");
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("image").dataType(DataType.FloatVector).dimension(784).build());
    schema.addField(AddFieldReq.builder().fieldName("digit").dataType(DataType.Int32).build());
    schema.addField(AddFieldReq.builder().fieldName("label").dataType(DataType.VarChar).maxLength(16).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
        .numShards(2).build());
    client.createIndex(CreateIndexReq.builder().collectionName(COLLECTION).indexParams(List.of(IndexParam.builder()
        .fieldName("image").indexType(IndexParam.IndexType.HNSW).metricType(IndexParam.MetricType.L2)
        .extraParams(Map.of("M", 16, "efConstruction", 100)).build())).build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());
    tour.done();

    tour.step("Starting the Flink ingestion job on a MiniCluster (Kafka WAL -> sealed, GRAPH-indexed segments on S3, "
        + "checkpoint every second)");
    IngestionOptions opts = IngestionOptions.builder(COLLECTION, warehouse, bootstrap).hadoopProperties(hadoop)
        .sealRows(Math.max(500, rows / 3)).sealAge(Duration.ofSeconds(3))
        .indexer(io.quiver.flink.ingest.SegmentIndexer.COLLECTION_SPEC).build();
    JobClient job = IngestionJob.start(opts, 1, Duration.ofSeconds(1), new org.apache.flink.configuration.Configuration());
    tour.say("job %s running", job.getJobID());
    tour.done();

    try {
      tour.step("Streaming " + rows + " digits through the WAL (Kafka topic quiver." + COLLECTION + ".wal)");
      int batch = 250;
      for (int start = 0; start < rows; start += batch) {
        List<JsonObject> rowsOut = new ArrayList<>();
        for (int i = start; i < Math.min(rows, start + batch); i++) {
          rowsOut.add(row(i, data.images.vector(i), data.label(i), MnistData.NAMES[data.label(i)]));
        }
        client.insert(InsertReq.builder().collectionName(COLLECTION).data(rowsOut).build());
        tour.progress(Math.min(rows, start + batch) + " rows acknowledged", Math.min(rows, start + batch), rows);
      }
      tour.done();

      tour.step("Searching right after the inserts returned (STRONG: the fresh WAL tail is searchable at once)");
      for (int q = 0; q < 3; q++) {
        SearchResp r = search(client, data.queries.vector(q), null, 5);
        tour.say("a handwritten %s -> nearest: %s", MnistData.NAMES[data.queryLabel(q)], labels(r));
      }
      tour.done();

      tour.step("Waiting for Flink to seal the rows into segments and commit them to the manifest");
      Catalog catalog = Catalog.open(warehouse, hadoop);
      Manifest m = awaitCommitted(catalog, rows, Duration.ofSeconds(90));
      tour.say("manifest v%d: %d segments, %d rows, committed WAL offsets %s", m.version(), m.segments().size(),
          m.totalRows(), m.committedOffsets());
      m.segments().forEach(s -> tour.say("  segment %s  %d rows  index %s", s.id(), s.rowCount(),
          s.indexes().isEmpty() ? "(none: searched exactly)"
          : s.indexes().values().stream().map(f -> f.spec().kind() + " " + f.file()).toList()));
      tour.done();

      tour.step("A filtered search: digit in [3, 8] (the filter runs as a bitmap over each segment)");
      SearchResp f = search(client, data.queries.vector(0), "digit in [3, 8]", 5);
      tour.say("query is a %s -> nearest threes and eights: %s", MnistData.NAMES[data.queryLabel(0)], labels(f));
      tour.done();

      tour.step("An upsert and a delete, seen at once (STRONG)");
      client.upsert(UpsertReq.builder().collectionName(COLLECTION).data(List.of(row(0, data.images.vector(0), 7,
          "relabelled"))).build());
      client.delete(DeleteReq.builder().collectionName(COLLECTION).ids(List.of(1L)).build());
      var got = client.query(QueryReq.builder().collectionName(COLLECTION).filter("id in [0, 1]")
          .outputFields(List.of("label")).consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults();
      tour.say("query id in [0, 1] -> %d row(s): %s", got.size(),
          got.stream().map(x -> x.getEntity().get("id") + "=" + x.getEntity().get("label")).toList());
      long count = (Long) client.query(QueryReq.builder().collectionName(COLLECTION).outputFields(List.of("count(*)"))
          .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults().get(0).getEntity().get("count(*)");
      tour.say("count(*) = %d (one of %d deleted)", count, rows);
      tour.done();

      tour.step("Reading the same collection with Spark (spark.read.format(\"quiver\"))");
      awaitCommitted(catalog, rows + 2, Duration.ofSeconds(60));
      sparkRead(tour, warehouse, hadoop);
      tour.done();
    } finally {
      job.cancel().get();
    }
  }

  private static JsonObject row(long id, float[] image, int digit, String label) {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    JsonArray a = new JsonArray();
    for (float f : image) {
      a.add(f);
    }
    o.add("image", a);
    o.addProperty("digit", digit);
    o.addProperty("label", label);
    return o;
  }

  private static SearchResp search(MilvusClientV2 client, float[] q, String filter, int k) {
    SearchReq.SearchReqBuilder b = SearchReq.builder().collectionName(COLLECTION).annsField("image")
        .data(List.of(new FloatVec(q))).topK(k).outputFields(List.of("label"))
        .consistencyLevel(ConsistencyLevel.STRONG);
    if (filter != null) {
      b.filter(filter);
    }
    return client.search(b.build());
  }

  private static List<Object> labels(SearchResp r) {
    List<Object> out = new ArrayList<>();
    r.getSearchResults().get(0).forEach(h -> out.add(h.getEntity().get("label")));
    return out;
  }

  /** Waits (bounded) until the manifest's committed offsets account for {@code records} WAL records. */
  private static Manifest awaitCommitted(Catalog catalog, long records, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Manifest m = catalog.current(COLLECTION);
    while (System.nanoTime() < deadline) {
      m = catalog.current(COLLECTION);
      long covered = 0;
      for (long off : m.committedOffsets().values()) {
        covered += off + 1;
      }
      if (covered >= records) {
        return m;
      }
      Thread.sleep(200); // polling the manifest pointer: there is no change notification to await here
    }
    throw new IllegalStateException("The ingestion job did not commit " + records + " records within " + timeout
        + "; last manifest " + m + " (see logs/quiver.log)");
  }

  private static void sparkRead(Tour tour, String warehouse, Map<String, String> hadoop) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("quiver-quickstart")
        .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    try {
      var reader = spark.read().format("quiver").option("warehouse", warehouse).option("collection", COLLECTION);
      for (Map.Entry<String, String> e : hadoop.entrySet()) {
        reader = reader.option("hadoop." + e.getKey(), e.getValue());
      }
      Dataset<org.apache.spark.sql.Row> df = reader.load();
      tour.say("rows: %d; per digit:", df.count());
      for (org.apache.spark.sql.Row r : df.groupBy("digit").count().orderBy("digit").collectAsList()) {
        tour.say("  %d: %d", r.getInt(0), r.getLong(1));
      }
    } finally {
      spark.stop();
    }
  }

  private static int choosePort(int wanted, Tour tour) throws IOException {
    try (ServerSocket s = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
      return wanted;
    } catch (IOException e) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        tour.say("port %d is taken: using %d instead", wanted, s.getLocalPort());
        return s.getLocalPort();
      }
    }
  }

  private static void printConnectInfo(Tour tour, String uri) {
    tour.step("Connect with any Milvus SDK");
    tour.say("Java:   new MilvusClientV2(ConnectConfig.builder().uri(\"%s\").build())", uri);
    tour.say("Python: MilvusClient(uri=\"%s\")", uri);
    tour.say("then search collection '%s' (field 'image', 784-d, L2). Logs: logs/quiver.log", COLLECTION);
  }
}
