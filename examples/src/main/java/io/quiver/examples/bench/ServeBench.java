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
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import javax.annotation.Nullable;
import org.HdrHistogram.Histogram;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench serve}: one local serving node driven through the official Milvus Java SDK against the engine's
 * in-process search over the same sealed segments and index files, in the same run. Reports QPS (closed loop,
 * {@code --threads}), p50/p99 at half the measured max QPS (open loop; the in-process search's at the same rate as
 * the baseline) and at a quarter of it, with the node's own share of the half-rate tail (its search latency
 * histogram: the bucket holding p99, the share over 5 ms; {@code node_p99_bucket_ms}, {@code node_over_5ms_share}), the
 * whole gRPC call's time in the node (headers in to stream closed: {@code node_call_p99_bucket_ms},
 * {@code node_call_over_5ms_share}; what remains is the network and the client), how late a thread on the node's CPUs
 * wakes up meanwhile ({@link WakeUpDelays}: the machine's own share) and the load generator's (from a call's scheduled
 * time to its start: {@code start_late_p99_ms}, {@code inprocess_start_late_p99_ms}), insert-ack →
 * visible-to-STRONG-search freshness, and heap + off-heap + mapped bytes per million vectors of the loaded GRAPH_PQ
 * (DISKANN) snapshot.
 * The measured SDK load runs in a client JVM of its own ({@link SdkLoadClient}), by default on a CPU of its own
 * ({@link CpuSplit}); the SDK's CPU per query adds that process's CPU to the node's. ZooKeeper and the Kafka broker run
 * in a third JVM ({@link ServersProcess}), on the client's CPU during the load loops. Sealing runs in-process through
 * the engine ({@link LocalSealer}) instead of a Flink job.
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

  @Option(names = "--client-cpus", defaultValue = "auto",
      description = "CPUs of the SDK client process, kept off the node's (Linux taskset): auto = the last CPU this "
          + "process may use (none with fewer than 2), none = share all, or a list such as 3 or 6-7 "
          + "(default ${DEFAULT-VALUE}).")
  String clientCpus;

  /** The CPUs of node and client, when split. */
  @Nullable private CpuSplit split;

  /** ZooKeeper and Kafka, in a process of their own. */
  private ServersProcess.Handle servers;

  private static final String C = "bench";
  private static final int ROUNDS = 2;
  private static final int MAX_WARM_UP = 15;
  /** Open-loop windows at half the max QPS, each side. */
  private static final int WINDOWS = 3;
  private static final double JIT_SETTLED = 0.05;
  /** At most this many pairs of open-loop warm-up windows. */
  private static final int MAX_OPEN_WARM_UP = 4;
  /** The longest wait, after a warm-up pair, for the node's compiler threads to finish what the pair made hot. */
  private static final int JIT_DRAIN_SECONDS = 30;
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
    split = CpuSplit.of(clientCpus, CpuSplit.allowed());
    try (ServersProcess.Handle servers = ServersProcess.Handle.start(dir.resolve("servers-logs"))) {
      this.servers = servers;
      ServerConfig cfg = new ServerConfig("bench0", servers.zookeeper(), "quiver", servers.bootstrap(),
          dir.resolve("warehouse").toUri().toString(), Map.of(), "127.0.0.1", 0, -1, cacheDir,
          64L << 30, 1, 2, 10_000, 30_000L, null, null, null);
      try (QuiverServer server = QuiverServer.start(cfg)) {
        MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri("http://" + server.address())
            .rpcDeadlineMs(60_000).build());
        try {
          return run(server, client);
        } finally {
          client.close();
        }
      }
    }
  }

  private int run(QuiverServer server, MilvusClientV2 client) throws Exception {
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
        batch.add(row(id, vector(r, dim)));
      }
      client.insert(InsertReq.builder().collectionName(C).data(batch).build());
      Progress.bar("insert", Math.min(rows, b + 2_000), rows);
    }
    Progress.say("inserted %d rows through the SDK in %.1f s", rows, (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    Manifest m = LocalSealer.seal(server.cluster().catalog(), C, servers.bootstrap());
    Progress.say("sealed + GRAPH_PQ indexed in %.1f s", (System.nanoTime() - t0) / 1e9);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (server.node().tailRows() > 0 || server.node().minManifestVersion(C) < m.version()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The node did not load manifest v" + m.version() + " within 5 min");
      }
      Thread.sleep(20); // polling the node's state; it has no change notification to await
    }
    if (split != null) {
      // from here on (the loading and indexing above used every CPU): the node keeps to its CPUs, the client to its own
      try {
        split.pinThisProcess();
        split.pinToClient(servers.pid());
        Progress.say("node, engine and in-process loops on CPUs %s; the SDK client, ZooKeeper and Kafka on %s",
            split.node(), split.client());
      } catch (IOException e) {
        if (!clientCpus.equals("auto")) {
          throw e;
        }
        Progress.say("client and node share the CPUs: %s", e.getMessage());
        split = null;
      }
    }
    List<float[]> queries = queries(dim);
    // The in-process engine over the same manifest and index files, loaded by the node's own loader, with a search
    // pool as large as the node's; same queries, k, ef and (no) filter on both sides, both warmed up first.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    // Rounds alternate (in-process, SDK, in-process, SDK) so a change in the shared machine's load hits both sides.
    double inProcessQps = 0;
    double qps = 0;
    double inProcessCpu = 0;
    double sdkCpu = 0;
    double[] quarterLat;
    double[] nodeSide;
    double[] nodeCalls;
    List<Window> windows = new ArrayList<>();
    Histogram sdkAll = new Histogram(3);
    Histogram inProcessAll = new Histogram(3);
    Histogram wakeUps = new Histogram(3);
    try (SdkLoadClient.Handle sdk = SdkLoadClient.Handle.start(split == null ? List.of() : split.clientPrefix(),
            "http://" + server.address(), C, dim, ef, threads, cacheDir.resolveSibling("client-logs"));
        RootAllocator alloc = new RootAllocator();
        Snapshot snap = SnapshotLoader.load(server.cluster().catalog(), m, alloc,
            new IndexCache(Files.createDirectories(cacheDir.resolveSibling("index"))), pool)) {
      IntConsumer inProcess = i -> snap.search(SearchRequest.builder("vec", queries.get(i % queries.size()))
          .k(10).options(SearchOptions.width(ef)).build());
      warmUp(inProcess, sdk);
      for (int round = 0; round < ROUNDS; round++) {
        long jit0 = ThreadCpu.compilerNanos();
        double[] a = LoadLoops.closedLoop(inProcess, threads, seconds);
        long jit1 = ThreadCpu.compilerNanos();
        Map<String, Long> cpuBefore = ThreadCpu.byGroup();
        double[] b = sdkRound(sdk);
        Progress.say("SDK round: node CPU ms by thread group: %s", ThreadCpu.since(cpuBefore));
        Progress.say("round %d: in-process %.0f QPS (%.2f CPU ms/query), Milvus SDK %.0f QPS (%.2f CPU ms/query, "
            + "node and client); JIT compiler CPU %d / %d ms (node), %d ms (client)", round + 1, a[0],
            a[1] / 1e6 / a[2], b[0], b[1], (jit1 - jit0) / 1_000_000, (ThreadCpu.compilerNanos() - jit1) / 1_000_000,
            (long) b[2] / 1_000_000);
        inProcessQps += a[0] / ROUNDS;
        qps += b[0] / ROUNDS;
        inProcessCpu += a[1] / 1e6 / a[2] / ROUNDS;
        sdkCpu += b[1] / ROUNDS;
      }
      Progress.say("in-process: %.0f QPS, Milvus SDK: %.0f QPS (mean of %d rounds)", inProcessQps, qps, ROUNDS);
      // Latency at half the SDK's max QPS, and the engine's own latency at the same rate on the same machine: the
      // baseline of the tail (scheduling on a shared machine, GC) that no protocol layer can go below. In windows that
      // alternate the two sides, so that one stall (100 ms of the node's CPU lost to anything else holds up ~50 calls
      // at 500 QPS: 1.3% of an 8 s window, the p99 of that window) decides one window, and hits both sides alike.
      openLoopWarmUp(sdk, inProcess, qps / 2);
      Buckets handler0 = searchBuckets();
      Buckets calls0 = callBuckets();
      for (int w = 1; w <= WINDOWS; w++) {
        windows.add(window(w, sdk, inProcess, qps / 2, sdkAll, inProcessAll, wakeUps));
      }
      nodeSide = tail(searchBuckets(), handler0);
      nodeCalls = tail(callBuckets(), calls0);
      // and through the SDK at a quarter of its max QPS: whether the tail is queueing (shrinks with the rate) or
      // stalls every request meets whatever the rate (stays)
      quarterLat = sdk.open(qps / 4, seconds).numbers();
    } finally {
      pool.shutdown();
      if (split != null) {
        try {
          split.unpinThisProcess(); // freshness probes come from this process's own client: as before, every CPU
          split.unpin(servers.pid());
        } catch (IOException e) {
          Progress.say("the freshness probes stay on CPUs %s: %s", split.node(), e.getMessage());
        }
      }
    }
    double p50 = median(windows, Window::sdkP50);
    double p99 = median(windows, Window::sdkP99);
    double inProcessP50 = median(windows, Window::inProcessP50);
    double inProcessP99 = median(windows, Window::inProcessP99);
    Progress.say("at %.0f QPS (median of %d windows): p50 %.2f ms, p99 %.2f ms via the SDK; in-process at the same "
        + "rate: p50 %.2f ms, p99 %.2f ms", qps / 2, WINDOWS, p50, p99, inProcessP50, inProcessP99);
    Progress.say("  every call of the %d windows: p99 %.2f ms via the SDK, %.2f ms in-process", WINDOWS,
        sdkAll.getValueAtPercentile(99) / 1e3, inProcessAll.getValueAtPercentile(99) / 1e3);
    Progress.say("  of which the load generator's own (scheduled time -> call started), p99 (median): %.2f ms in the "
        + "SDK client, %.2f ms in-process", median(windows, Window::sdkLateP99),
        median(windows, Window::inProcessLateP99));
    Progress.say("at %.0f QPS: p50 %.2f ms, p99 %.2f ms via the SDK", qps / 4, quarterLat[0] / 1e3,
        quarterLat[1] / 1e3);
    Progress.say("at %.0f QPS, the node's own time per search (proxy in to out, its latency histogram): p99 <= %.0f "
        + "ms, %.2f%% over 5 ms (of %.0f searches)", qps / 2, nodeSide[0] * 1e3, nodeSide[1] * 100, nodeSide[2]);
    Progress.say("  the whole gRPC call in the node (headers in to stream closed): p99 <= %.0f ms, %.2f%% over 5 ms; "
        + "a thread on the node's CPUs woke up late by p99 %.2f ms, max %.1f ms (1 ms sleeps)", nodeCalls[0] * 1e3,
        nodeCalls[1] * 100, wakeUps.getValueAtPercentile(99) / 1e3, wakeUps.getMaxValue() / 1e3);
    Histogram fresh = new Histogram(3);
    Random fr = new Random(99);
    for (int i = 0; i < probes; i++) {
      long id = rows + i;
      float[] v = vector(fr, dim);
      client.insert(InsertReq.builder().collectionName(C).data(List.of(row(id, v))).build());
      long acked = System.nanoTime();
      while (true) {
        SearchResp s = search(client, C, v, ConsistencyLevel.STRONG, 1, ef);
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
    out.put("node_cpus", split == null ? "shared" : split.node());
    out.put("client_cpus", split == null ? "shared" : split.client());
    out.put("qps", round(qps));
    out.put("inprocess_qps", round(inProcessQps));
    out.put("qps_ratio", round(qps / inProcessQps));
    out.put("cpu_ms_per_query", round(sdkCpu));
    out.put("inprocess_cpu_ms_per_query", round(inProcessCpu));
    out.put("p50_ms", round(p50));
    out.put("p99_ms", round(p99));
    out.put("inprocess_p50_ms", round(inProcessP50));
    out.put("inprocess_p99_ms", round(inProcessP99));
    out.put("p99_windows_ms", windows.stream().map(w -> round(w.sdkP99())).toList());
    out.put("inprocess_p99_windows_ms", windows.stream().map(w -> round(w.inProcessP99())).toList());
    out.put("p99_all_ms", round(sdkAll.getValueAtPercentile(99) / 1e3));
    out.put("inprocess_p99_all_ms", round(inProcessAll.getValueAtPercentile(99) / 1e3));
    out.put("start_late_p99_ms", round(median(windows, Window::sdkLateP99)));
    out.put("inprocess_start_late_p99_ms", round(median(windows, Window::inProcessLateP99)));
    out.put("quarter_rate_p50_ms", round(quarterLat[0] / 1e3));
    out.put("quarter_rate_p99_ms", round(quarterLat[1] / 1e3));
    out.put("node_p99_bucket_ms", round(nodeSide[0] * 1e3));
    out.put("node_over_5ms_share", round(nodeSide[1]));
    out.put("node_call_p99_bucket_ms", round(nodeCalls[0] * 1e3));
    out.put("node_call_over_5ms_share", round(nodeCalls[1]));
    out.put("node_wakeup_late_p99_ms", round(wakeUps.getValueAtPercentile(99) / 1e3));
    out.put("node_wakeup_late_max_windows_ms", windows.stream().map(w -> round(w.wakeUpMax())).toList());
    out.put("node_jit_ms_windows", windows.stream().map(w -> round(w.jitMs())).toList());
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
   * rather than steady-state serving, and spilled into whichever side ran next; after five pairs still 10-12% (the
   * search handler's first C2 compilations came a minute into the load and took seconds each), under 5% after seven
   * or eight.
   */
  private void warmUp(IntConsumer inProcess, SdkLoadClient.Handle sdk) throws Exception {
    untilJitSettled("warm-up", MAX_WARM_UP, () -> {
      LoadLoops.closedLoop(inProcess, threads, seconds);
      double[] client = sdk.closed(seconds);
      return new double[] {client[1], client[3]}; // the client's CPU and JIT ns during its closed loop
    });
  }

  /** A pair of loops, one per side; answers the SDK client's {CPU ns, JIT compiler ns} during its loop. */
  @FunctionalInterface
  private interface LoopPair {
    double[] run() throws Exception;
  }

  /**
   * Runs {@code pair} until the JIT has settled (the compiler threads under {@link #JIT_SETTLED} of the node's and
   * the client's process CPU during a pair), at most {@code maxPairs} times. The node's compiler threads run below its
   * request threads (the serving JVM flags, bin/quiver): busy loops leave them little CPU, so what the loops made hot
   * is compiled after them, on the idle CPU (at most {@value #JIT_DRAIN_SECONDS} s), and counted in the pair's share.
   */
  private void untilJitSettled(String what, int maxPairs, LoopPair pair) throws Exception {
    for (int i = 1; i <= maxPairs; i++) {
      long jit0 = ThreadCpu.compilerNanos();
      long cpu0 = ThreadCpu.processNanos();
      double[] client = pair.run();
      long loopsCpu = ThreadCpu.processNanos() - cpu0;
      ThreadCpu.awaitCompilerQuiet(Duration.ofSeconds(JIT_DRAIN_SECONDS));
      long nodeJit = ThreadCpu.compilerNanos() - jit0;
      double share = (nodeJit + client[1]) / Math.max(1, loopsCpu + client[0]);
      Progress.say("%s %d: JIT compiler CPU %d ms (node), %.1f%% of the CPU (node and client processes; the node's "
          + "until it went quiet after the loops)", what, i, nodeJit / 1_000_000, share * 100);
      if (share < JIT_SETTLED) {
        return;
      }
    }
  }

  /**
   * Unmeasured windows of each side at {@code rate} before the measured ones, in pairs, until the JIT has settled
   * ({@link #untilJitSettled}), at most {@value #MAX_OPEN_WARM_UP} pairs: the open loops run code the
   * closed loops of the warm-up never ran (the generators' pacing and histograms, the node's transport between calls
   * rather than under a queue of them, its gate without a queue). One pair left the node compiling 0.9-1.4 s of CPU
   * inside the first measured window (session 15: 2.8 s during that pair), on the node's CPU, at the cost of that
   * window's tail.
   */
  private void openLoopWarmUp(SdkLoadClient.Handle sdk, IntConsumer inProcess, double rate) throws Exception {
    untilJitSettled(String.format(Locale.ROOT, "open-loop warm-up at %.0f QPS, pair", rate), MAX_OPEN_WARM_UP, () -> {
      double[] client = sdk.open(rate, seconds).numbers();
      LoadLoops.openLoop(inProcess, rate, seconds, threads * 2, new Histogram(3), new Histogram(3));
      return new double[] {client[7], client[8]}; // the client's CPU and JIT ns during its open loop
    });
  }

  /**
   * One window at half the max rate (ms): the SDK's p50/p99 and its generator's start delay p99, the in-process
   * search's, the longest wake-up delay on the node's CPUs during either, and the node's JIT compiler CPU during both.
   */
  record Window(double sdkP50, double sdkP99, double sdkLateP99, double inProcessP50, double inProcessP99,
      double inProcessLateP99, double wakeUpMax, double jitMs) {}

  /**
   * Runs window {@code w}: the SDK client's open loop at {@code rate}, then the in-process one, adding their calls'
   * latencies to {@code sdkAll} and {@code inProcessAll} and the node CPUs' wake-up delays to {@code wakeUps}.
   */
  private Window window(int w, SdkLoadClient.Handle sdk, IntConsumer inProcess, double rate, Histogram sdkAll,
      Histogram inProcessAll, Histogram wakeUps) throws Exception {
    long[] gc0 = LoadLoops.gc();
    long jit0 = ThreadCpu.compilerNanos();
    SdkLoadClient.Open s;
    Histogram sdkWakeUps;
    try (WakeUpDelays d = WakeUpDelays.start()) {
      s = sdk.open(rate, seconds);
      sdkWakeUps = d.stop();
    }
    long[] gc1 = LoadLoops.gc();
    long jit1 = ThreadCpu.compilerNanos();
    Histogram lat = new Histogram(3);
    Histogram late = new Histogram(3);
    Histogram inProcessWakeUps;
    try (WakeUpDelays d = WakeUpDelays.start()) {
      LoadLoops.openLoop(inProcess, rate, seconds, threads * 2, lat, late);
      inProcessWakeUps = d.stop();
    }
    long[] gc2 = LoadLoops.gc();
    long jit2 = ThreadCpu.compilerNanos();
    sdkAll.add(s.latencies());
    inProcessAll.add(lat);
    wakeUps.add(sdkWakeUps);
    wakeUps.add(inProcessWakeUps);
    double[] n = s.numbers();
    Window out = new Window(n[0] / 1e3, n[1] / 1e3, n[6] / 1e3, lat.getValueAtPercentile(50) / 1e3,
        lat.getValueAtPercentile(99) / 1e3, late.getValueAtPercentile(99) / 1e3,
        Math.max(sdkWakeUps.getMaxValue(), inProcessWakeUps.getMaxValue()) / 1e3, (jit2 - jit0) / 1e6);
    Progress.say("window %d at %.0f QPS: SDK p50/p99 %.2f / %.2f ms (max %.1f; GC node %d ms, client %d ms; node JIT "
        + "%d ms; node CPU wake-ups late by up to %.1f ms), in-process p50/p99 %.2f / %.2f ms (max %.1f; GC %d ms; JIT "
        + "%d ms; wake-ups late by up to %.1f ms)", w, rate, out.sdkP50(), out.sdkP99(), n[2] / 1e3, gc1[1] - gc0[1],
        (long) n[4], (jit1 - jit0) / 1_000_000, sdkWakeUps.getMaxValue() / 1e3, out.inProcessP50(),
        out.inProcessP99(), lat.getMaxValue() / 1e3, gc2[1] - gc1[1], (jit2 - jit1) / 1_000_000,
        inProcessWakeUps.getMaxValue() / 1e3);
    return out;
  }

  static double median(List<Window> windows, java.util.function.ToDoubleFunction<Window> value) {
    double[] v = windows.stream().mapToDouble(value).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /**
   * One round of the SDK client's closed loop: {QPS, CPU ms per query of node and client together, client JIT ns}
   * (the node's CPU over the round plus the client process's own).
   */
  private double[] sdkRound(SdkLoadClient.Handle sdk) throws Exception {
    long cpu0 = ThreadCpu.processNanos();
    double[] c = sdk.closed(seconds);
    double cpu = ThreadCpu.processNanos() - cpu0 + c[1];
    return new double[] {c[0], cpu / 1e6 / Math.max(1, c[2]), c[3]};
  }

  static SearchResp search(MilvusClientV2 client, String collection, float[] q, ConsistencyLevel level, int k,
      int ef) {
    return client.search(SearchReq.builder().collectionName(collection).annsField("vec").data(List.of(new FloatVec(q)))
        .topK(k).searchParams(Map.of("ef", ef)).consistencyLevel(level).build());
  }

  /** The bench's 1,000 query vectors (the same on every side and in the client process). */
  static List<float[]> queries(int dim) {
    List<float[]> queries = new ArrayList<>();
    Random qr = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      queries.add(vector(qr, dim));
    }
    return queries;
  }

  private static float[] vector(Random r, int dim) {
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

  /** A reading of a classic histogram: upper bounds (seconds) and the count of each bucket, in bucket order. */
  record Buckets(double[] bounds, long[] counts) {}

  /**
   * The node's search latency histogram so far ({@code quiver_query_latency_seconds{kind="search"}}, the time from the
   * proxy taking a Milvus search to its answer), or no buckets before any search.
   */
  static Buckets searchBuckets() {
    return buckets("quiver_query_latency", "kind", "search");
  }

  /**
   * The node's gRPC call time histogram of Milvus searches so far ({@code quiver_grpc_server_call_seconds}: from the
   * call's headers arriving on the transport to its stream closing), or no buckets before any search.
   */
  static Buckets callBuckets() {
    return buckets("quiver_grpc_server_call", "method", "MilvusService/Search");
  }

  private static Buckets buckets(String metric, String label, String value) {
    for (MetricSnapshot s : PrometheusRegistry.defaultRegistry.scrape()) {
      if (s instanceof HistogramSnapshot h && h.getMetadata().getName().startsWith(metric)) {
        for (HistogramSnapshot.HistogramDataPointSnapshot d : h.getDataPoints()) {
          if (value.equals(d.getLabels().get(label))) {
            ClassicHistogramBuckets b = d.getClassicBuckets();
            double[] bounds = new double[b.size()];
            long[] counts = new long[b.size()];
            for (int i = 0; i < counts.length; i++) {
              bounds[i] = b.getUpperBound(i);
              counts[i] = b.getCount(i);
            }
            return new Buckets(bounds, counts);
          }
        }
      }
    }
    return new Buckets(new double[0], new long[0]);
  }

  /**
   * Between two readings of a histogram ({@link #searchBuckets()}, {@link #callBuckets()}): {the upper bound (s) of the bucket holding the 99th percentile,
   * the share of searches over 5 ms (a bucket bound, so exact), the number of searches}.
   */
  static double[] tail(Buckets after, Buckets before) {
    long[] d = new long[after.counts().length];
    long n = 0;
    for (int i = 0; i < d.length; i++) {
      d[i] = after.counts()[i] - (i < before.counts().length ? before.counts()[i] : 0);
      n += d[i];
    }
    double p99 = Double.NaN;
    long seen = 0;
    long over5 = 0;
    for (int i = 0; i < d.length; i++) {
      seen += d[i];
      if (Double.isNaN(p99) && seen >= Math.ceil(0.99 * n) && n > 0) {
        p99 = after.bounds()[i];
      }
      if (after.bounds()[i] > 0.005) {
        over5 += d[i];
      }
    }
    return new double[] {p99, n == 0 ? Double.NaN : over5 / (double) n, n};
  }
}
