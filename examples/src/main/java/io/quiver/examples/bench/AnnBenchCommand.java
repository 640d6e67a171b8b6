package io.quiver.examples.bench;

import io.quiver.embedded.TempDirs;
import io.quiver.engine.schema.MetricType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench ann}: recall, QPS and latency of Quiver's index path against raw jvector (same graph
 * parameters), Lucene 9.12 HNSW and brute force, on one data set in one JVM.
 *
 * <p>Output: a table on stdout, then ONE JSON line (the last line of stdout):
 * <pre>
 * {"dataset":..., "n":..., "dim":..., "queries":..., "k":..., "metric":..., "index":..., "filter_selectivity":...,
 *  "threads":..., "jdk":..., "params":{...},
 *  "quiver":  {"build_s":..., "open_s":..., "index_bytes":..., "results":[{"width":..,"recall":..,"qps":..,
 *              "p50_ms":..,"p99_ms":..}, ...]},
 *  "jvector": {"build_s":..., "index_bytes":..., "results":[...]},
 *  "lucene":  {"build_s":..., "index_bytes":..., "max_conn":..., "results":[...]},
 *  "brute":   {"build_s":0, "index_bytes":0, "results":[{"width":0, ...}]}}
 * </pre>
 * Each engine object also has {@code "qps_at_recall":{"0.90":..,"0.95":..,"0.99":..}}: QPS interpolated between the
 * widths that bracket that recall (null when no width reaches it), to compare engines at equal recall. Results per
 * width are the median-QPS round of {@code --rounds}.
 * index_bytes: Quiver's index file (GRAPH keeps a copy of the vectors in it), Lucene's whole directory (vectors
 * included), raw jvector's on-heap graph (no vectors). Progress goes to stderr.
 */
@Command(name = "ann", mixinStandardHelpOptions = true,
    description = "ANN benchmark: Quiver's index vs raw jvector, Lucene HNSW and brute force, in one run.")
public final class AnnBenchCommand implements Callable<Integer> {
  @Option(names = "--base", description = "base vectors (.fvecs)") Path base;
  @Option(names = "--query", description = "query vectors (.fvecs)") Path query;
  @Option(names = "--truth", description = "ground truth (.ivecs); brute force when absent or filtering") Path truth;
  @Option(names = "--generate", description = "rows,dim,clusters,seed: a seeded Gaussian mixture instead of files")
  String generate;
  @Option(names = "--queries", defaultValue = "1000", description = "queries to generate (default ${DEFAULT-VALUE})")
  int queryCount;
  @Option(names = "--k", defaultValue = "10") int k;
  @Option(names = "--metric", defaultValue = "L2", description = "L2, IP or COSINE") String metric;
  @Option(names = "--index", defaultValue = "GRAPH", description = "Quiver index kind: FLAT, GRAPH, GRAPH_PQ")
  String kind;
  @Option(names = "--widths", defaultValue = "10,20,50,100,200", split = ",",
      description = "search beams (ef / rerankK), default ${DEFAULT-VALUE}") List<Integer> widths;
  @Option(names = "--filter-selectivity", defaultValue = "1.0",
      description = "fraction of base vectors a random filter accepts (1 = no filter)") double selectivity;
  @Option(names = "--threads", defaultValue = "1", description = "search threads (default ${DEFAULT-VALUE})")
  int threads;
  @Option(names = "--build-threads", defaultValue = "0", description = "Quiver build threads, 0 = all processors")
  int buildThreads;
  @Option(names = "--max-degree", defaultValue = "32") int maxDegree;
  @Option(names = "--beam-width", defaultValue = "100") int beamWidth;
  @Option(names = "--alpha", defaultValue = "1.2") float alpha;
  @Option(names = "--neighbor-overflow", defaultValue = "1.2") float overflow;
  @Option(names = "--hierarchy", defaultValue = "true", arity = "1") boolean hierarchy;
  @Option(names = "--lucene-max-conn",
      description = "Lucene maxConn; default max-degree/2, since Lucene's bottom layer keeps 2*maxConn neighbors")
  Integer luceneMaxConn;
  @Option(names = "--param", description = "extra Quiver index parameter, e.g. --param pq_subspaces=32")
  Map<String, String> extraParams = new LinkedHashMap<>();
  @Option(names = "--engines", defaultValue = "quiver,jvector,lucene,brute", split = ",") List<String> engines;
  @Option(names = "--warmup-seconds", defaultValue = "1") double warmupSeconds;
  @Option(names = "--measure-seconds", defaultValue = "2") double measureSeconds;
  @Option(names = "--rounds", defaultValue = "3",
      description = "measure every (engine, width) this many times, interleaved, and keep the median QPS round "
          + "(a shared machine's noise hits all engines alike)") int rounds;
  @Option(names = "--seed", defaultValue = "42", description = "seed of the random filter") long seed;
  @Option(names = "--work-dir", description = "where index files go (default: a temp folder, deleted)") Path workDir;
  @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

  @Override
  public Integer call() throws Exception {
    if ((generate == null) == (base == null || query == null)) {
      throw new IllegalArgumentException("give either --base and --query (fvecs files) or --generate rows,dim,clusters,seed");
    }
    if (!(selectivity > 0 && selectivity <= 1)) {
      throw new IllegalArgumentException("--filter-selectivity must be in (0, 1], got " + selectivity);
    }
    MetricType m = MetricType.parse(metric);
    PrintStream err = System.err;
    AnnData data = generate != null
        ? AnnData.generate(generate, queryCount, m, k, selectivity)
        : AnnData.load(base, query, truth, m, k, selectivity, seed);
    err.printf("%s: %d x %d, %d queries, k=%d, %s, filter %.4f (%d accepted), truth from %s, JDK %s%n", data.name,
        data.base.count(), data.base.dimension(), data.queries.count(), k, m, selectivity, data.filterCount,
        data.truthSource, Runtime.version());

    Map<String, String> params = new LinkedHashMap<>();
    if (!kind.equalsIgnoreCase("FLAT")) {
      params.put("max_degree", Integer.toString(maxDegree));
      params.put("beam_width", Integer.toString(beamWidth));
      params.put("alpha", Float.toString(alpha));
      params.put("neighbor_overflow", Float.toString(overflow));
      params.put("hierarchy", Boolean.toString(hierarchy));
      params.put("build_threads", Integer.toString(buildThreads));
    }
    params.putAll(extraParams);
    int maxConn = luceneMaxConn != null ? luceneMaxConn : Math.max(2, maxDegree / 2);

    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("quiver-bench-");
    SearchRunner runner = new SearchRunner(data, threads, warmupSeconds, measureSeconds);
    Map<String, Report> reports = new LinkedHashMap<>();
    List<AnnEngine> built = new ArrayList<>();
    if (!engines.isEmpty()) {
      // Whichever engine builds first would pay for the JIT (jvector's scoring and graph code is shared by Quiver
      // and raw jvector): warm both up on a small head of the data, untimed.
      AnnData head = data.head(2_000);
      try (AnnEngine q = new QuiverEngine(kind, params, Files.createDirectories(dir.resolve("warmup")));
          AnnEngine j = new JvectorEngine(maxDegree, beamWidth, overflow, alpha, hierarchy)) {
        q.build(head, ProgressBar.NONE_QUIET);
        j.build(head, ProgressBar.NONE_QUIET);
      }
    }
    try {
      for (String e : engines) {
        String name = e.trim().toLowerCase(Locale.ROOT);
        AnnEngine engine;
        switch (name) {
          case "quiver":
            engine = new QuiverEngine(kind, params, Files.createDirectories(dir.resolve("quiver")));
            break;
          case "jvector":
            engine = new JvectorEngine(maxDegree, beamWidth, overflow, alpha, hierarchy);
            break;
          case "lucene":
            engine = new LuceneEngine(maxConn, beamWidth, Files.createDirectories(dir.resolve("lucene")));
            break;
          case "brute":
            engine = new BruteForce();
            break;
          default:
            throw new IllegalArgumentException("unknown engine " + e + ": expected quiver, jvector, lucene, brute");
        }
        built.add(engine);
        reports.put(name, build(engine, data, err));
      }
      measure(built, reports, runner, err);
    } finally {
      for (AnnEngine engine : built) {
        engine.close();
      }
      if (workDir == null) {
        TempDirs.deleteQuietly(dir);
      }
    }
    printTable(System.out, data, reports);
    System.out.println(Json.line(data, kind, params, selectivity, threads, maxConn, reports));
    return 0;
  }

  /** One engine's build and per-width results. */
  static final class Report {
    double buildSeconds;
    double openSeconds = Double.NaN;
    long indexBytes;
    final List<SearchRunner.Result> results = new ArrayList<>();
  }

  private static Report build(AnnEngine engine, AnnData data, PrintStream err) throws Exception {
    Report r = new Report();
    ProgressBar bar = new ProgressBar(engine.name() + " build");
    long t0 = System.nanoTime();
    engine.build(data, bar);
    r.buildSeconds = (System.nanoTime() - t0) / 1e9;
    bar.done();
    if (engine instanceof QuiverEngine) {
      r.openSeconds = ((QuiverEngine) engine).openSeconds;
      r.buildSeconds -= r.openSeconds;
    }
    r.indexBytes = engine.indexBytes();
    err.printf("%s: built in %.2f s, %d bytes%n", engine.name(), r.buildSeconds, r.indexBytes);
    return r;
  }

  /** Every (width, engine) pair {@code rounds} times, engines interleaved; keeps each pair's median-QPS round. */
  private void measure(List<AnnEngine> built, Map<String, Report> reports, SearchRunner runner, PrintStream err)
      throws Exception {
    Map<String, List<List<SearchRunner.Result>>> runs = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (int wi = 0; wi < widths.size(); wi++) {
        for (AnnEngine engine : built) {
          if (!engine.usesWidth() && wi > 0) {
            continue;
          }
          int w = engine.usesWidth() ? widths.get(wi) : 0;
          SearchRunner.Result res = runner.run(engine, w);
          err.printf("round %d %s width %d: recall %.4f, %.0f QPS%n", round + 1, engine.name(), w, res.recall,
              res.qps);
          List<List<SearchRunner.Result>> perWidth = runs.computeIfAbsent(engine.name(), n -> new ArrayList<>());
          while (perWidth.size() <= wi) {
            perWidth.add(new ArrayList<>());
          }
          perWidth.get(wi).add(res);
        }
      }
    }
    for (Map.Entry<String, List<List<SearchRunner.Result>>> e : runs.entrySet()) {
      for (List<SearchRunner.Result> samples : e.getValue()) {
        samples.sort(java.util.Comparator.comparingDouble(r -> r.qps));
        reports.get(e.getKey()).results.add(samples.get(samples.size() / 2));
      }
    }
  }

  private static void printTable(PrintStream out, AnnData data, Map<String, Report> reports) {
    out.printf("%-8s %12s %12s %12s%n", "engine", "QPS@0.90", "QPS@0.95", "QPS@0.99");
    for (Map.Entry<String, Report> e : reports.entrySet()) {
      out.printf(Locale.ROOT, "%-8s %12.1f %12.1f %12.1f%n", e.getKey(), Json.qpsAtRecall(e.getValue(), 0.90),
          Json.qpsAtRecall(e.getValue(), 0.95), Json.qpsAtRecall(e.getValue(), 0.99));
    }
    out.printf("%-8s %6s %8s %10s %8s %8s %8s %10s%n", "engine", "width", "recall", "QPS", "p50_ms", "p99_ms",
        "build_s", "bytes/vec");
    for (Map.Entry<String, Report> e : reports.entrySet()) {
      Report r = e.getValue();
      for (SearchRunner.Result res : r.results) {
        out.printf(Locale.ROOT, "%-8s %6d %8.4f %10.1f %8.3f %8.3f %8.2f %10.1f%n", e.getKey(), res.width,
            res.recall, res.qps, res.p50Ms, res.p99Ms, r.buildSeconds, (double) r.indexBytes / data.base.count());
      }
    }
  }

}
