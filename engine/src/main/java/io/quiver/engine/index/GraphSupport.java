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
   * The filter policy (measured with {@code FilterThresholdProbe}, see package docs): an exact scan over the accept set
   * when it holds at most {@code max(EXACT_FILTER_MIN, count * EXACT_FILTER_FRACTION)} ordinals.
   */
  static final int EXACT_FILTER_MIN = 2_000;
  static final double EXACT_FILTER_FRACTION = 0.02;

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

  /** One jvector vector per row (copies; unit length for COSINE, which the graph then ranks by dot product). */
  static List<VectorFloat<?>> rows(VectorValues vectors, MetricType metric) {
    int dim = vectors.dimension();
    List<VectorFloat<?>> rows = new ArrayList<>(vectors.count());
    for (int i = 0; i < vectors.count(); i++) {
      float[] row = metric == MetricType.COSINE
          ? Queries.normalized(vectors.data(), i * dim, dim)
          : Arrays.copyOfRange(vectors.data(), i * dim, (i + 1) * dim);
      rows.add(VTS.createFloatVector(row));
    }
    return rows;
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

  /** True when a filtered search should scan the accept set instead of walking the graph. */
  static boolean exactForFilter(@Nullable Bits accept, int count, int k, SearchOptions opts) {
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
        return accepted <= k || accepted <= Math.max(EXACT_FILTER_MIN, (long) (count * EXACT_FILTER_FRACTION));
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
    private final ImmutableGraphIndex graph;
    private final ConcurrentLinkedDeque<GraphSearcher> idle = new ConcurrentLinkedDeque<>();

    SearcherPool(ImmutableGraphIndex graph) {
      this.graph = graph;
    }

    GraphSearcher acquire() {
      GraphSearcher s = idle.pollFirst();
      return s != null ? s : new GraphSearcher(graph);
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
