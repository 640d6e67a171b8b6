package io.quiver.engine.index;

import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import javax.annotation.Nullable;

/** An opened GRAPH index: jvector's on-disk graph (memory-mapped) + the caller's full-precision vectors. */
final class GraphIndex implements VectorIndex {
  private final Path file;
  private final MetricType metric;
  private final VectorValues vectors;
  private final int dim;
  private final int count;
  @Nullable private final MappedSlice slice;
  @Nullable private final OnDiskGraphIndex graph;
  @Nullable private final GraphSupport.SearcherPool searchers;
  private final VectorFloat<?> all;
  @Nullable private final float[] inverseNorms;
  private final ExactSearch.RowDistance rows;

  private GraphIndex(Path file, MetricType metric, VectorValues vectors, @Nullable MappedSlice slice,
      @Nullable OnDiskGraphIndex graph) {
    this.file = file;
    this.metric = metric;
    this.vectors = vectors;
    this.dim = vectors.dimension();
    this.count = vectors.count();
    this.slice = slice;
    this.graph = graph;
    this.searchers = graph == null ? null : new GraphSupport.SearcherPool(graph);
    this.all = GraphSupport.VTS.createFloatVector(vectors.data());
    this.inverseNorms = metric == MetricType.COSINE ? ArrayScoreFunction.inverseNorms(vectors) : null;
    this.rows = ExactSearch.over(vectors, metric);
  }

  static GraphIndex open(Path file, IndexHeader header, VectorValues vectors, MetricType metric) throws IOException {
    IndexHeader.Section s = header.sections().get("graph");
    if (header.count() == 0) {
      return new GraphIndex(file, metric, vectors, null, null);
    }
    if (s == null) {
      throw new CorruptIndexException(file, "no graph section in a GRAPH index of " + header.count() + " vectors");
    }
    MappedSlice slice = new MappedSlice(file, header.headerLength() + s.offset, s.length);
    try {
      OnDiskGraphIndex graph = OnDiskGraphIndex.load(slice);
      if (graph.size(0) != header.count()
          || graph.getDimension() != GraphSupport.graphDimension(metric, header.dimension())) {
        throw new CorruptIndexException(file, "graph holds " + graph.size(0) + " nodes of dimension "
            + graph.getDimension() + ", header says " + header.count() + " of " + header.dimension());
      }
      return new GraphIndex(file, metric, vectors, slice, graph);
    } catch (RuntimeException e) {
      slice.close();
      throw new CorruptIndexException(file, "unreadable jvector graph: " + e.getMessage(), e);
    }
  }

  @Override
  public SearchResult search(float[] query, int k, SearchOptions opts, @Nullable Bits accept) {
    Queries.check(query, k, dim);
    if (count == 0) {
      return SearchResult.empty();
    }
    int width = Math.min(opts.effectiveWidth(k), Math.max(k, count));
    if (graph == null || GraphSupport.exactForFilter(accept, count, k, width, opts)) {
      return ExactSearch.search(query, k, count, metric, rows, accept);
    }
    float[] q = metric == MetricType.COSINE ? Queries.normalized(query, 0, dim) : query;
    var score = new ArrayScoreFunction(metric, q, vectors.data(), all, dim, inverseNorms);
    GraphSearcher searcher = searchers.acquire();
    io.github.jbellis.jvector.graph.SearchResult r;
    try {
      r = searcher.search(new DefaultSearchScoreProvider(score), k, width, 0f, 0f, accept == null ? Bits.ALL : accept);
    } finally {
      searchers.release(searcher);
    }
    SearchResult result = GraphSupport.exactResult(r, query, metric, rows, k);
    if (result.size() < Math.min(k, count)) {
      // The walk ran out of (accepted) nodes it could reach: jvector graphs may leave a few nodes without
      // in-edges, and a filter may hide the rest. Only a scan can say whether more exist.
      return ExactSearch.search(query, k, count, metric, rows, accept);
    }
    return result;
  }

  @Override
  public long ramBytesUsed() {
    long bytes = graph == null ? 0 : graph.ramBytesUsed();
    bytes += inverseNorms == null ? 0 : (long) inverseNorms.length * Float.BYTES;
    // per idle searcher: visited set and queues, roughly one bit per node plus a few KB
    bytes += searchers == null ? 0 : searchers.idle() * (count / 8L + 16_384);
    return bytes;
  }

  @Override
  public String kind() {
    return GraphIndexFactory.KIND;
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
    return "GraphIndex{" + file + ", " + metric + ", dim=" + dim + ", count=" + count + "}";
  }
}
