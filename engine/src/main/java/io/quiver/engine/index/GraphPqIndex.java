package io.quiver.engine.index;

import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.ArrayVectorFloat;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.annotation.Nullable;

/**
 * An opened GRAPH_PQ index, laid out in memory as DiskANN does: PQ codes and the base layer's neighbour lists
 * ({@link Adjacency}) on the heap; the full vectors stay in the file and are read with positional reads
 * ({@link PositionalSlice}) only for the candidates a search reranks (and for output vectors).
 */
final class GraphPqIndex implements VectorIndex {
  private final Path file;
  private final MetricType metric;
  private final VectorSimilarityFunction vsf;
  private final int dim;
  private final int count;
  private final float rerankFactor;
  @Nullable private final ExactSearch.RowDistance residentRows;
  @Nullable private final PositionalSlice slice;
  @Nullable private final OnDiskGraphIndex graph;
  @Nullable private final PQVectors pq;
  @Nullable private final Adjacency adjacency;
  @Nullable private final GraphSupport.SearcherPool searchers;

  private GraphPqIndex(Path file, MetricType metric, int dim, int count, float rerankFactor,
      @Nullable VectorValues vectors, @Nullable PositionalSlice slice, @Nullable OnDiskGraphIndex graph,
      @Nullable PQVectors pq, @Nullable Adjacency adjacency) {
    this.file = file;
    this.metric = metric;
    this.vsf = GraphPqIndexFactory.similarity(metric);
    this.dim = dim;
    this.count = count;
    this.rerankFactor = rerankFactor;
    this.residentRows = vectors == null ? null : ExactSearch.over(vectors, metric);
    this.slice = slice;
    this.graph = graph;
    this.pq = pq;
    this.adjacency = adjacency;
    this.searchers = graph == null ? null : new GraphSupport.SearcherPool(() -> {
      try {
        return new GraphSearcher(adjacency.view(graph, slice.get(), pq)) {};
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read index file " + file, e);
      }
    });
  }

  static GraphPqIndex open(Path file, IndexHeader h, @Nullable VectorValues vectors, MetricType metric)
      throws IOException {
    float rerankFactor = Float.parseFloat(h.params().getOrDefault(GraphPqIndexFactory.RERANK_FACTOR, "4"));
    if (h.count() == 0) {
      return new GraphPqIndex(file, metric, h.dimension(), 0, rerankFactor, vectors, null, null, null, null);
    }
    IndexHeader.Section gs = h.sections().get("graph");
    IndexHeader.Section ps = h.sections().get("pq");
    if (gs == null || ps == null) {
      throw new CorruptIndexException(file, "a GRAPH_PQ index needs sections graph and pq, found " + h.sections());
    }
    PQVectors pq;
    PositionalSlice pqSlice = new PositionalSlice(file, h.headerLength() + ps.offset, ps.length);
    try (var reader = pqSlice.get()) {
      pq = PQVectors.load(reader);
    } catch (RuntimeException e) {
      throw new CorruptIndexException(file, "unreadable PQ section: " + e.getMessage(), e);
    } finally {
      pqSlice.close();
    }
    PositionalSlice slice = new PositionalSlice(file, h.headerLength() + gs.offset, gs.length);
    try {
      OnDiskGraphIndex graph = OnDiskGraphIndex.load(slice);
      if (graph.size(0) != h.count() || pq.count() != h.count()
          || graph.getDimension() != GraphSupport.graphDimension(metric, h.dimension())) {
        throw new CorruptIndexException(file, "graph holds " + graph.size(0) + " nodes and PQ " + pq.count()
            + " codes, header says " + h.count());
      }
      Adjacency adjacency;
      try (OnDiskGraphIndex.View v = graph.getView()) {
        adjacency = Adjacency.load(v);
      }
      return new GraphPqIndex(file, metric, h.dimension(), h.count(), rerankFactor, vectors, slice, graph, pq,
          adjacency);
    } catch (RuntimeException e) {
      slice.close();
      throw new CorruptIndexException(file, "unreadable jvector graph: " + e.getMessage(), e);
    }
  }

  /**
   * Rows read from the inline vectors of the file, through {@code view}: unit length for COSINE (same cosine), with a
   * trailing augmentation coordinate for IP (ignored: only the first {@code dim} enter the distance).
   */
  private ExactSearch.RowDistance fileRows(OnDiskGraphIndex.View view) {
    float[] buf = new float[dim];
    return (q, ord) -> {
      VectorFloat<?> v = view.getVector(ord);
      for (int i = 0; i < dim; i++) {
        buf[i] = v.get(i);
      }
      return metric.distance(q, buf, 0);
    };
  }

  @Override
  public SearchResult search(float[] query, int k, SearchOptions opts, @Nullable Bits accept) {
    Queries.check(query, k, dim);
    if (count == 0) {
      return SearchResult.empty();
    }
    GraphSearcher searcher = searchers.acquire();
    try {
      OnDiskGraphIndex.View view = (OnDiskGraphIndex.View) searcher.getView();
      ExactSearch.RowDistance rows = residentRows != null ? residentRows : fileRows(view);
      float factor = opts.rerankFactor() > 0 ? opts.rerankFactor() : rerankFactor;
      int rerankK = (int) Math.min(Math.max(count, k), Math.max(opts.effectiveWidth(k), Math.ceil(k * factor)));
      if (GraphSupport.exactForFilter(accept, count, k, rerankK, opts)) {
        return ExactSearch.search(query, k, count, metric, rows, accept);
      }
      VectorFloat<?> qv = GraphSupport.VTS.createFloatVector(GraphSupport.graphQuery(query, metric));
      Rerank rerank = new Rerank(view, query, rerankK);
      var ssp = new DefaultSearchScoreProvider(pq.precomputedScoreFunctionFor(qv, vsf), rerank);
      var r = searcher.search(ssp, k, rerankK, 0f, 0f, accept == null ? Bits.ALL : accept);
      // Resident rows give the exact distances at no read (and COSINE's unit vectors in the file only up to
      // rounding); without them, the distances the rerank measured.
      SearchResult result = GraphSupport.exactResult(r, query, metric, residentRows != null ? rows : rerank.or(rows),
          k);
      if (result.size() < Math.min(k, count)) {
        // The walk ran out of (accepted) nodes it could reach: jvector graphs may leave a few nodes without
        // in-edges, and a filter may hide the rest. Only a scan can say whether more exist.
        return ExactSearch.search(query, k, count, metric, rows, accept);
      }
      return result;
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * jvector's reranker: each candidate's full vector read once from the file, its user-facing distance kept, so the
   * hits' distances need no second read of the top k. The score handed to jvector is {@link MetricType#score} of that
   * distance, which orders candidates as the graph's own similarity does (L2: the same distance; COSINE: Euclidean
   * between unit vectors; IP: the augmented Euclidean distance, see {@link GraphSupport#rows}).
   */
  private final class Rerank implements ScoreFunction.ExactScoreFunction {
    private final OnDiskGraphIndex.View view;
    private final float[] query;
    private final VectorFloat<?> scratch;
    private final float[] row;
    private final int[] nodes;
    private final float[] distances;
    private final int mask;

    Rerank(OnDiskGraphIndex.View view, float[] query, int expected) {
      this.view = view;
      this.query = query;
      this.scratch = GraphSupport.VTS.createFloatVector(GraphSupport.graphDimension(metric, dim));
      this.row = scratch instanceof ArrayVectorFloat a ? a.get() : new float[dim];
      int size = Integer.highestOneBit(Math.max(16, expected * 2 + 1)) << 1;
      this.nodes = new int[size];
      this.distances = new float[size];
      this.mask = size - 1;
      java.util.Arrays.fill(nodes, -1);
    }

    @Override
    public float similarityTo(int node) {
      view.getVectorInto(node, scratch, 0);
      if (!(scratch instanceof ArrayVectorFloat)) {
        for (int i = 0; i < dim; i++) {
          row[i] = scratch.get(i);
        }
      }
      float d = metric.distance(query, row, 0);
      remember(node, d);
      return metric.score(d);
    }

    private void remember(int node, float d) {
      int used = 0;
      for (int i = slot(node); used <= mask; i = (i + 1) & mask, used++) {
        if (nodes[i] == -1 || nodes[i] == node) {
          nodes[i] = node;
          distances[i] = d;
          return;
        }
      }
      // full (more candidates than expected): forget it, the hit's distance is then read again
    }

    private int slot(int node) {
      return (node * 0x9E3779B9) >>> 16 & mask;
    }

    /** The distances measured here, the others through {@code fallback}. */
    ExactSearch.RowDistance or(ExactSearch.RowDistance fallback) {
      return (q, node) -> {
        int used = 0;
        for (int i = slot(node); used <= mask && nodes[i] != -1; i = (i + 1) & mask, used++) {
          if (nodes[i] == node) {
            return distances[i];
          }
        }
        return fallback.distance(q, node);
      };
    }
  }

  @Override
  public float[] vector(int ordinal) {
    if (metric == MetricType.COSINE) {
      throw new UnsupportedOperationException("A COSINE GRAPH_PQ index holds unit-length vectors, not the rows");
    }
    if (ordinal < 0 || ordinal >= count) {
      throw new IndexOutOfBoundsException("ordinal " + ordinal + " outside 0.." + (count - 1) + " of " + this);
    }
    GraphSearcher searcher = searchers.acquire();
    try {
      VectorFloat<?> v = ((OnDiskGraphIndex.View) searcher.getView()).getVector(ordinal);
      float[] out = new float[dim];
      for (int i = 0; i < dim; i++) {
        out[i] = v.get(i);
      }
      return out;
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * The PQ-guided walk's candidates for {@code query} before any rerank ({@code width} of them, with their PQ
   * scores): through the heap copy of the base layer and its expansion that loads the codes first
   * ({@code jvectorsExpansion} false, as {@link #search} walks), or through the file with jvector's own expansion
   * (true). A test compares the two.
   */
  io.github.jbellis.jvector.graph.SearchResult walk(float[] query, int width, boolean jvectorsExpansion)
      throws IOException {
    VectorFloat<?> qv = GraphSupport.VTS.createFloatVector(GraphSupport.graphQuery(query, metric));
    try (GraphSearcher s = new GraphSearcher(jvectorsExpansion ? graph.getView()
        : adjacency.view(graph, slice.get(), pq)) {}) {
      return s.search(new DefaultSearchScoreProvider(pq.precomputedScoreFunctionFor(qv, vsf)), width, Bits.ALL);
    }
  }

  /** Base-layer neighbours of {@code node}: the heap copy's, or read from the file (a test compares the two). */
  int[] neighbors(int node, boolean fromFile) throws IOException {
    try (OnDiskGraphIndex.View v = fromFile ? graph.getView() : adjacency.view(graph, slice.get())) {
      var it = v.getNeighborsIterator(0, node);
      int[] out = new int[it.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = it.nextInt();
      }
      return out;
    }
  }

  @Override
  public long ramBytesUsed() {
    if (graph == null) {
      return 0;
    }
    return graph.ramBytesUsed() + pq.ramBytesUsed() + adjacency.ramBytesUsed()
        + searchers.idle() * (count / 8L + 16_384);
  }

  @Override
  public String kind() {
    return GraphPqIndexFactory.KIND;
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public void close() throws IOException {
    if (searchers != null) {
      searchers.close();
    }
    if (graph != null) {
      graph.close();
    }
    if (slice != null) {
      slice.close();
    }
  }

  @Override
  public String toString() {
    return "GraphPqIndex{" + file + ", " + metric + ", dim=" + dim + ", count=" + count + "}";
  }
}
