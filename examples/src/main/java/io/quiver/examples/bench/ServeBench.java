package io.quiver.examples.bench;

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
import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedZooKeeper;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.Snapshot;
import io.quiver.engine.search.SnapshotLoader;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.server.ServerConfig;
import io.quiver.serving.tools.LocalSealer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench serve}: one local serving node driven through the official Milvus Java SDK against the engine's
 * in-process search over the same sealed segments and index files, in the same run. Reports QPS (closed loop,
 * {@code --threads}), p50/p99 at half the measured max QPS (open loop; the in-process search's at the same rate as
 * the baseline), insert-ack → visible-to-STRONG-search
 * freshness, and heap + off-heap + mapped bytes per million vectors of the loaded GRAPH_PQ (DISKANN) snapshot.
 * Sealing runs in-process through the engine ({@link LocalSealer}) instead of a Flink job.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Milvus-SDK QPS/latency of a local node vs in-process engine search; freshness; memory.")
public final class ServeBench implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "200000", description = "Rows (default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--dim", defaultValue = "128", description = "Dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--threads", defaultValue = "16",
      description = "Client threads of the closed-loop QPS phases, the same for both sides: enough requests in flight "
          + "to saturate the node rather than measure one request's latency (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seconds", defaultValue = "10", description = "Seconds per QPS phase (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--ef", defaultValue = "64", description = "Search width (default ${DEFAULT-VALUE}).")
  int ef;

  @Option(names = "--freshness", defaultValue = "200", description = "Freshness probes (default ${DEFAULT-VALUE}).")
  int probes;

  private static final String C = "bench";
  private static final int ROUNDS = 2;
  private static final int MAX_WARM_UP = 5;
  private static final double JIT_SETTLED = 0.05;
  private Path cacheDir;

  @Override
  public Integer call() throws Exception {
    Path dir = TempDirs.create("quiver-bench-serve");
    try {
      return runIn(dir);
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }

  private int runIn(Path dir) throws Exception {
    cacheDir = dir.resolve("cache");
    try (var zk = EmbeddedZooKeeper.start(); EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ServerConfig cfg = new ServerConfig("bench0", zk.connectString(), "quiver", kafka.bootstrapServers(),
          dir.resolve("warehouse").toUri().toString(), Map.of(), "127.0.0.1", 0, -1, cacheDir,
          64L << 30, 1, 2, 10_000, 30_000L, null, null, null);
      try (QuiverServer server = QuiverServer.start(cfg)) {
        MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri("http://" + server.address())
            .rpcDeadlineMs(60_000).build());
        try {
          return run(server, client, kafka);
        } finally {
          client.close();
        }
      }
    }
  }

  private int run(QuiverServer server, MilvusClientV2 client, EmbeddedKafka kafka) throws Exception {
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
    schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(dim).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(C).collectionSchema(schema).numShards(2)
        .build());
    client.createIndex(CreateIndexReq.builder().collectionName(C).indexParams(List.of(IndexParam.builder()
        .fieldName("vec").indexType(IndexParam.IndexType.DISKANN).metricType(IndexParam.MetricType.L2).build()))
        .build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(C).build());
    Random r = new Random(42);
    long t0 = System.nanoTime();
    for (int b = 0; b < rows; b += 2_000) {
      List<JsonObject> batch = new ArrayList<>();
      for (int id = b; id < Math.min(rows, b + 2_000); id++) {
        batch.add(row(id, vector(r)));
      }
      client.insert(InsertReq.builder().collectionName(C).data(batch).build());
      Progress.bar("insert", Math.min(rows, b + 2_000), rows);
    }
    Progress.say("inserted %d rows through the SDK in %.1f s", rows, (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    Manifest m = LocalSealer.seal(server.cluster().catalog(), C, kafka.bootstrapServers());
    Progress.say("sealed + GRAPH_PQ indexed in %.1f s", (System.nanoTime() - t0) / 1e9);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (server.node().tailRows() > 0 || server.node().minManifestVersion(C) < m.version()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The node did not load manifest v" + m.version() + " within 5 min");
      }
      Thread.sleep(20); // polling the node's state; it has no change notification to await
    }
    List<float[]> queries = new ArrayList<>();
    Random qr = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      queries.add(vector(qr));
    }
    // The in-process engine over the same manifest and index files, loaded by the node's own loader, with a search
    // pool as large as the node's; same queries, k, ef and (no) filter on both sides, both warmed up first.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    // Rounds alternate (in-process, SDK, in-process, SDK) so a change in the shared machine's load hits both sides.
    IntConsumer viaSdk = i -> search(client, queries.get(i % queries.size()), ConsistencyLevel.BOUNDED, 10);
    double inProcessQps = 0;
    double qps = 0;
    double inProcessCpu = 0;
    double sdkCpu = 0;
    Histogram lat = new Histogram(3);
    Histogram inProcessLat = new Histogram(3);
    Histogram quarterLat = new Histogram(3);
    try (RootAllocator alloc = new RootAllocator();
        Snapshot snap = SnapshotLoader.load(server.cluster().catalog(), m, alloc,
            new IndexCache(Files.createDirectories(cacheDir.resolveSibling("index"))), pool)) {
      IntConsumer inProcess = i -> snap.search(SearchRequest.builder("vec", queries.get(i % queries.size()))
          .k(10).options(SearchOptions.width(ef)).build());
      warmUp(inProcess, viaSdk);
      for (int round = 0; round < ROUNDS; round++) {
        long jit0 = ThreadCpu.compilerNanos();
        double[] a = closedLoop(inProcess);
        long jit1 = ThreadCpu.compilerNanos();
        Map<String, Long> cpuBefore = ThreadCpu.byGroup();
        double[] b = closedLoop(viaSdk);
        Progress.say("SDK round CPU ms by thread group: %s", ThreadCpu.since(cpuBefore));
        Progress.say("round %d: in-process %.0f QPS (%.2f CPU ms/query), Milvus SDK %.0f QPS (%.2f CPU ms/query); "
            + "JIT compiler CPU %d / %d ms", round + 1, a[0], a[1], b[0], b[1], (jit1 - jit0) / 1_000_000,
            (ThreadCpu.compilerNanos() - jit1) / 1_000_000);
        inProcessQps += a[0] / ROUNDS;
        qps += b[0] / ROUNDS;
        inProcessCpu += a[1] / ROUNDS;
        sdkCpu += b[1] / ROUNDS;
      }
      Progress.say("in-process: %.0f QPS, Milvus SDK: %.0f QPS (mean of %d rounds)", inProcessQps, qps, ROUNDS);
      // Latency at half the SDK's max QPS, and the engine's own latency at the same rate on the same machine: the
      // baseline of the tail (scheduling on a shared machine, GC) that no protocol layer can go below.
      openLoop(viaSdk, qps / 2, lat);
      openLoop(inProcess, qps / 2, inProcessLat);
      // and through the SDK at a quarter of its max QPS: whether the tail is queueing (shrinks with the rate) or
      // stalls every request meets whatever the rate (stays)
      openLoop(viaSdk, qps / 4, quarterLat);
    } finally {
      pool.shutdown();
    }
    double p50 = lat.getValueAtPercentile(50) / 1e3;
    double p99 = lat.getValueAtPercentile(99) / 1e3;
    Progress.say("at %.0f QPS: p50 %.2f ms, p99 %.2f ms via the SDK; in-process at the same rate: p50 %.2f ms, p99 "
        + "%.2f ms", qps / 2, p50, p99, inProcessLat.getValueAtPercentile(50) / 1e3,
        inProcessLat.getValueAtPercentile(99) / 1e3);
    Progress.say("at %.0f QPS: p50 %.2f ms, p99 %.2f ms via the SDK", qps / 4, quarterLat.getValueAtPercentile(50) / 1e3,
        quarterLat.getValueAtPercentile(99) / 1e3);
    Histogram fresh = new Histogram(3);
    Random fr = new Random(99);
    for (int i = 0; i < probes; i++) {
      long id = rows + i;
      float[] v = vector(fr);
      client.insert(InsertReq.builder().collectionName(C).data(List.of(row(id, v))).build());
      long acked = System.nanoTime();
      while (true) {
        SearchResp s = search(client, v, ConsistencyLevel.STRONG, 1);
        if (!s.getSearchResults().get(0).isEmpty() && ((Long) s.getSearchResults().get(0).get(0).getId()) == id) {
          break;
        }
      }
      fresh.recordValue((System.nanoTime() - acked) / 1_000);
    }
    double freshP99 = fresh.getValueAtPercentile(99) / 1e3;
    Progress.say("freshness insert ack -> visible to STRONG search: p50 %.2f ms, p99 %.2f ms",
        fresh.getValueAtPercentile(50) / 1e3, freshP99);
    NodeMemory mem = NodeMemory.measure(server, client, C, cacheDir);
    Progress.say("node memory: heap %.1f MB, off-heap %.1f MB, mapped resident %.1f MB (of %.1f MB mapped)",
        mem.heap() / 1e6, mem.offHeap() / 1e6, mem.mappedResident() / 1e6, mem.mapped() / 1e6);
    double gbPerMillion = mem.total() / (double) rows * 1e6 / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bench", "serve");
    out.put("rows", rows);
    out.put("dim", dim);
    out.put("threads", threads);
    out.put("qps", round(qps));
    out.put("inprocess_qps", round(inProcessQps));
    out.put("qps_ratio", round(qps / inProcessQps));
    out.put("cpu_ms_per_query", round(sdkCpu));
    out.put("inprocess_cpu_ms_per_query", round(inProcessCpu));
    out.put("p50_ms", round(p50));
    out.put("p99_ms", round(p99));
    out.put("inprocess_p50_ms", round(inProcessLat.getValueAtPercentile(50) / 1e3));
    out.put("inprocess_p99_ms", round(inProcessLat.getValueAtPercentile(99) / 1e3));
    out.put("quarter_rate_p50_ms", round(quarterLat.getValueAtPercentile(50) / 1e3));
    out.put("quarter_rate_p99_ms", round(quarterLat.getValueAtPercentile(99) / 1e3));
    out.put("freshness_p99_ms", round(freshP99));
    out.put("gb_per_million", round(gbPerMillion));
    out.put("heap_mb", round(mem.heap() / 1e6));
    out.put("offheap_mb", round(mem.offHeap() / 1e6));
    out.put("mapped_resident_mb", round(mem.mappedResident() / 1e6));
    out.put("load_avg", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    System.out.println(Json.write(out));
    return 0;
  }

  /**
   * Runs both sides (in-process, then SDK) until the JIT has settled: until the compiler threads use under 5% of the
   * process CPU during a pair of rounds ({@link #JIT_SETTLED}), at most {@value #MAX_WARM_UP} pairs. The SDK path runs
   * far more code than the engine alone (gRPC and Netty on both ends, protobuf, the SDK): on 2 cores the compiler
   * threads still took 20-25% of the CPU in the rounds after a single warm-up pair, which measured the JIT's backlog
   * rather than steady-state serving, and spilled into whichever side ran next.
   */
  private void warmUp(IntConsumer inProcess, IntConsumer viaSdk) throws Exception {
    for (int i = 1; i <= MAX_WARM_UP; i++) {
      long jit0 = ThreadCpu.compilerNanos();
      long cpu0 = processCpuNanos();
      closedLoop(inProcess);
      closedLoop(viaSdk);
      double share = (ThreadCpu.compilerNanos() - jit0) / (double) Math.max(1, processCpuNanos() - cpu0);
      Progress.say("warm-up %d: JIT compiler threads %.1f%% of the process CPU", i, share * 100);
      if (share < JIT_SETTLED) {
        return;
      }
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private SearchResp search(MilvusClientV2 client, float[] q, ConsistencyLevel level, int k) {
    return client.search(SearchReq.builder().collectionName(C).annsField("vec").data(List.of(new FloatVec(q))).topK(k)
        .searchParams(Map.of("ef", ef)).consistencyLevel(level).build());
  }

  private float[] vector(Random r) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }

  private static JsonObject row(long id, float[] v) {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    JsonArray a = new JsonArray();
    for (float f : v) {
      a.add(f);
    }
    o.add("vec", a);
    return o;
  }

  /**
   * {@code threads} threads calling {@code op} back to back for {@code seconds}; returns calls per second and the
   * whole process's CPU milliseconds per call (client, proxy, node and search together: a figure the other load on
   * a shared machine does not inflate the way it does wall-clock rates).
   */
  private double[] closedLoop(IntConsumer op) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    AtomicLong n = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    long cpu0 = processCpuNanos();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(ex.submit(() -> {
        while (System.nanoTime() < end) {
          op.accept((int) n.getAndIncrement());
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    ex.shutdown();
    long cpu = processCpuNanos() - cpu0;
    return new double[] {n.get() / ((System.nanoTime() - start) / 1e9), cpu / 1e6 / Math.max(1, n.get())};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Calls at a fixed rate (open loop, latency measured from the scheduled time) for {@code seconds}. */
  private void openLoop(IntConsumer op, double rate, Histogram lat) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads * 2);
    long interval = (long) (1e9 / Math.max(1, rate));
    long start = System.nanoTime();
    long count = (long) (rate * seconds);
    List<Future<?>> fs = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the open-loop schedule
      }
      int idx = (int) i;
      fs.add(ex.submit(() -> {
        op.accept(idx);
        synchronized (lat) {
          lat.recordValue(Math.max(1, (System.nanoTime() - due) / 1_000));
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    ex.shutdown();
  }

}
