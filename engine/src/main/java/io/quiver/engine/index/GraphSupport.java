package io.quiver.engine.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.OrdinalMapper;
import io.github.jbellis.jvector.graph.disk.feature.Feature;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.annotation.Nullable;

/** What GRAPH and GRAPH_PQ share: parameters, the jvector build, the on-disk write, searchers, the filter policy. */
final class GraphSupport {
  static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

  static final String MAX_DEGREE = "max_degree";
  static final String BEAM_WIDTH = "beam_width";
  static final String ALPHA = "alpha";
  static final String NEIGHBOR_OVERFLOW = "neighbor_overflow";
  static final String HIERARCHY = "hierarchy";
  static final String BUILD_THREADS = "build_threads";

  /** The graph parameters, jvector's defaults from its tutorials (M 32, efConstruction 100, alpha 1.2). */
  static final List<ParamSpec> GRAPH_SPECS = List.of(
      ParamSpec.intRange(MAX_DEGREE, 32, 4, 512),
      ParamSpec.intRange(BEAM_WIDTH, 100, 10, 4096),
      ParamSpec.floatRange(ALPHA, 1.2f, 0.5f, 4f),
      ParamSpec.floatRange(NEIGHBOR_OVERFLOW, 1.2f, 1f, 4f),
      ParamSpec.bool(HIERARCHY, true),
      // 0 = all available processors. Not written into the file: it changes how fast, not what, is built.
      ParamSpec.intRange(BUILD_THREADS, 0, 0, 1024));

  /**
   * The filter policy: scan the accept set when it holds at most {@code sqrt(EXACT_FILTER_C * width * count)}
   * ordinals. A filtered walk scores about {@code V / selectivity} nodes (V grows with the width) while a scan scores
   * the {@code selectivity * count} accepted ones, so they cost the same at {@code accepted ~ sqrt(c * width * count)}.
   * Measured with {@code FilterThresholdProbe} (JDK 17, width 100, k 10, mean µs per query, walk vs scan):
   * <pre>
   *   sift5k   n=5,000   d=128: accepted 2,414: 350 vs 159;  964: 683 vs 79 (scan wins at every selectivity)
   *   mnist10k n=9,000   d=784: accepted 4,419: 10.0 vs 21.4 ms; 1,737: 17.6 vs 6.8 ms
   *   mixture  n=50,000  d=128: accepted 9,933: 1,012 vs 3,564; 4,899: 1,474 vs 912
   * </pre>
   * Crossovers at about 3,000 (mnist) and 6,500 (50k) accepted give c = 8..11; 10 is used. (sift5k's scan stays
   * cheaper up to n/2: its graph walk costs more per node than 128-d distances do.) The machine was shared while
   * measuring, so treat c as good to a factor of two; both sides of the crossover are within 2x of each other there.
   */
  static final double EXACT_FILTER_C = 10.0;

  private GraphSupport() {
  }

  static int threads(IndexParams p) {
    int t = p.getInt(BUILD_THREADS);
    return t == 0 ? Runtime.getRuntime().availableProcessors() : t;
  }

  /** The params as written into the file: without build_threads. */
  static Map<String, String> persisted(IndexParams p) {
    Map<String, String> m = new java.util.LinkedHashMap<>(p.asMap());
    m.remove(BUILD_THREADS);
    return m;
  }

  /** The dimension of the vectors the graph holds: one more than the data's for IP (see {@link #rows}). */
  static int graphDimension(MetricType metric, int dim) {
    return metric == MetricType.IP ? dim + 1 : dim;
  }

  /**
   * One jvector vector per row, as the graph sees it (copies). L2: the row. COSINE: the row at unit length, ranked by
   * dot product. IP: the row plus one coordinate {@code sqrt(max|x|² - |x|²)}, ranked by Euclidean distance, because
   * {@code |q' - x'|² = |q|² + max|x|² - 2 q·x} for the query {@code q' = (q, 0)}: the order is the inner product's,
   * while a graph built on raw inner products leaves small-norm vectors unreachable (MetricsTest caught 8% of rows
   * never visited with a beam as wide as the data). The reduction is Bachrach et al., RecSys 2014.
   */
  static List<VectorFloat<?>> rows(VectorValues vectors, MetricType metric) {
    int dim = vectors.dimension();
    float[] data = vectors.data();
    double maxNorm2 = 0;
    if (metric == MetricType.IP) {
      for (int i = 0; i < vectors.count(); i++) {
        maxNorm2 = Math.max(maxNorm2, norm2(data, i * dim, dim));
      }
    }
    List<VectorFloat<?>> rows = new ArrayList<>(vectors.count());
    for (int i = 0; i < vectors.count(); i++) {
      float[] row;
      if (metric == MetricType.COSINE) {
        row = Queries.normalized(data, i * dim, dim);
      } else if (metric == MetricType.IP) {
        row = Arrays.copyOfRange(data, i * dim, (i + 1) * dim + 1);
        row[dim] = (float) Math.sqrt(Math.max(0, maxNorm2 - norm2(data, i * dim, dim)));
      } else {
        row = Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
      }
      rows.add(VTS.createFloatVector(row));
    }
    return rows;
  }

  /** The query as the graph sees it: unit length for COSINE, a trailing 0 for IP. */
  static float[] graphQuery(float[] query, MetricType metric) {
    switch (metric) {
      case COSINE:
        return Queries.normalized(query, 0, query.length);
      case IP:
        return Arrays.copyOf(query, query.length + 1);
      default:
        return query;
    }
  }

  private static double norm2(float[] v, int off, int dim) {
    double s = 0;
    for (int j = off; j < off + dim; j++) {
      s += (double) v[j] * v[j];
    }
    return s;
  }

  /**
   * Builds the graph on a pool of {@code build_threads} (jvector's own defaults would use the common pool and one
   * thread per physical core). The caller closes the returned builder after writing its graph.
   */
  static GraphIndexBuilder build(List<VectorFloat<?>> rows, int dim, VectorSimilarityFunction vsf, IndexParams p,
      ForkJoinPool pool, ProgressListener progress) {
    var ravv = new ListRandomAccessVectorValues(rows, dim);
    BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, vsf);
    GraphIndexBuilder builder = new GraphIndexBuilder(bsp, dim, p.getInt(MAX_DEGREE), p.getInt(BEAM_WIDTH),
        p.getFloat(NEIGHBOR_OVERFLOW), p.getFloat(ALPHA), p.getBoolean(HIERARCHY), true, pool, pool);
    int n = rows.size();
    int step = Math.max(1, n / 200);
    AtomicInteger done = new AtomicInteger();
    progress.progress("graph", 0, n);
    pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
      builder.addGraphNode(i, rows.get(i));
      int d = done.incrementAndGet();
      if (d % step == 0 || d == n) {
        progress.progress("graph", d, n);
      }
    })).join();
    builder.cleanup();
    return builder;
  }

  /** Writes {@code graph} as a jvector OnDiskGraphIndex with the rows as {@code vectorFeature}. */
  static void write(ImmutableGraphIndex graph, List<VectorFloat<?>> rows, Feature vectorFeature, Path to)
      throws IOException {
    FeatureId id = vectorFeature.id();
    try (OnDiskGraphIndexWriter writer = new OnDiskGraphIndexWriter.Builder(graph, to)
        .with(vectorFeature)
        .withMapper(new OrdinalMapper.IdentityMapper(rows.size() - 1))
        .build()) {
      writer.write(Map.of(id, ord -> new InlineVectors.State(rows.get(ord))));
    }
  }

  /** True when a search should scan (the accept set) instead of walking the graph. */
  static boolean exactForFilter(@Nullable Bits accept, int count, int k, int width, SearchOptions opts) {
    if (k >= count) {
      return true; // every vector is an answer: a scan touches each once, a walk more often and maybe not all
    }
    if (accept == null) {
      return false;
    }
    switch (opts.filterStrategy()) {
      case EXACT:
        return true;
      case GRAPH:
        return false;
      default:
        int accepted = Queries.acceptCount(accept, count, opts);
        return accepted <= k || accepted <= Math.sqrt(EXACT_FILTER_C * width * (double) count);
    }
  }

  /**
   * The hits of a jvector search with exact user-facing distances from {@code rows}, re-sorted by them (jvector's
   * order comes from its own scores, equal up to rounding).
   */
  static SearchResult exactResult(io.github.jbellis.jvector.graph.SearchResult r, float[] query, MetricType metric,
      ExactSearch.RowDistance rows, int k) {
    var nodes = r.getNodes();
    ExactSearch.TopK top = new ExactSearch.TopK(Math.max(1, Math.min(k, nodes.length)));
    for (var ns : nodes) {
      top.offer(ns.node, metric.score(rows.distance(query, ns.node)));
    }
    if (nodes.length == 0) {
      return new SearchResult(new int[0], new float[0], r.getVisitedCount(), false);
    }
    SearchResult s = top.result(metric, r.getVisitedCount(), false);
    return s;
  }

  /**
   * GraphSearchers to reuse: a searcher holds its view (a file reader) and scratch queues sized for the graph, so
   * making one per query would allocate on every search. Not a ThreadLocal, so that close() can reach them all.
   */
  static final class SearcherPool implements AutoCloseable {
    private final Supplier<GraphSearcher> factory;
    private final ConcurrentLinkedDeque<GraphSearcher> idle = new ConcurrentLinkedDeque<>();

    SearcherPool(ImmutableGraphIndex graph) {
      this(() -> new GraphSearcher(graph));
    }

    /** Searchers made by {@code factory} (e.g. over a view of one's own). */
    SearcherPool(Supplier<GraphSearcher> factory) {
      this.factory = factory;
    }

    GraphSearcher acquire() {
      GraphSearcher s = idle.pollFirst();
      return s != null ? s : factory.get();
    }

    void release(GraphSearcher s) {
      idle.offerFirst(s);
    }

    int idle() {
      return idle.size();
    }

    @Override
    public void close() throws IOException {
      GraphSearcher s;
      while ((s = idle.pollFirst()) != null) {
        s.close();
      }
    }
  }
}
