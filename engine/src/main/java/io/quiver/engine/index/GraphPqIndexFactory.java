package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.BufferedRandomAccessWriter;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.quantization.KMeansPlusPlusClusterer;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * GRAPH_PQ, the DiskANN-class index: a jvector graph whose traversal scores product-quantized codes held in memory,
 * then reranks {@code k * rerank_factor} candidates with full vectors stored inline in the graph's node records and
 * read through the memory map. The caller's {@link VectorValues} need not be resident to search. Sections: {@code
 * graph} (OnDiskGraphIndex with INLINE_VECTORS) and {@code pq} (jvector's PQVectors: codebooks + one code per row).
 * For COSINE the stored vectors and the codebooks are of unit vectors, ranked by Euclidean distance (for unit vectors
 * |a - b|^2 = 2 - 2 a.b: the same order as cosine) so the codebooks can be centred: uncentred codebooks of data that
 * sits in a narrow cone (SIFT, most embeddings) barely tell its vectors apart.
 */
public final class GraphPqIndexFactory implements VectorIndexFactory {
  public static final String KIND = "GRAPH_PQ";
  static final String PQ_SUBSPACES = "pq_subspaces";
  static final String RERANK_FACTOR = "rerank_factor";

  private static final List<ParamSpec> SPECS;

  static {
    List<ParamSpec> specs = new ArrayList<>(GraphSupport.GRAPH_SPECS);
    // 0 = dimension / 4 (rounded up; 4 dimensions per one-byte code, 16x smaller than the floats)
    specs.add(ParamSpec.intRange(PQ_SUBSPACES, 0, 0, 65_536));
    specs.add(ParamSpec.floatRange(RERANK_FACTOR, 4f, 1f, 1000f));
    SPECS = List.copyOf(specs);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Map<String, String> defaultParams() {
    return ParamSpec.defaults(SPECS);
  }

  @Override
  public IndexParams validate(Map<String, String> params) {
    return ParamSpec.validate(KIND, SPECS, params);
  }

  static int subspaces(IndexParams params, int dim) {
    int m = params.getInt(PQ_SUBSPACES);
    if (m == 0) {
      return Math.max(1, (dim + 3) / 4);
    }
    if (m > dim) {
      throw new ValidationException(PQ_SUBSPACES, m, "must not exceed the dimension " + dim);
    }
    return m;
  }

  @Override
  public void build(VectorValues vectors, MetricType metric, IndexParams params, OutputStream out,
      ProgressListener progress) throws IOException {
    if (!KIND.equals(params.kind())) {
      throw new IllegalArgumentException("Parameters of " + params.kind() + " given to " + KIND);
    }
    int dim = vectors.dimension();
    int n = vectors.count();
    int m = subspaces(params, dim);
    Map<String, String> persisted = GraphSupport.persisted(params);
    persisted.put(PQ_SUBSPACES, Integer.toString(m));
    Map<String, Path> sections = new LinkedHashMap<>();
    Path graphFile = null;
    Path pqFile = null;
    try {
      if (n > 0) {
        var rows = GraphSupport.rows(vectors, metric);
        VectorSimilarityFunction vsf = similarity(metric);
        graphFile = Files.createTempFile("quiver-graph-", ".jv");
        pqFile = Files.createTempFile("quiver-pq-", ".jv");
        ForkJoinPool pool = new ForkJoinPool(GraphSupport.threads(params));
        try {
          int gdim = GraphSupport.graphDimension(metric, dim);
          var ravv = new ListRandomAccessVectorValues(rows, gdim);
          progress.progress("pq", 0, n);
          // centred: every metric is walked by Euclidean distance here (see similarity)
          ProductQuantization pq = ProductQuantization.compute(ravv, m, Math.min(256, n), true,
              KMeansPlusPlusClusterer.UNWEIGHTED, pool, pool);
          var codes = pq.encodeAll(ravv, pool);
          try (var w = new BufferedRandomAccessWriter(pqFile)) {
            codes.write(w);
          }
          progress.progress("pq", n, n);
          try (GraphIndexBuilder builder = GraphSupport.build(rows, gdim, vsf, params, pool, progress)) {
            GraphSupport.write(builder.getGraph(), rows, new InlineVectors(gdim), graphFile);
          }
        } finally {
          pool.shutdownNow();
        }
        sections.put("graph", graphFile);
        sections.put("pq", pqFile);
      }
      IndexFiles.write(out, KIND, metric, dim, n, persisted, sections, progress);
    } finally {
      if (graphFile != null) {
        Files.deleteIfExists(graphFile);
      }
      if (pqFile != null) {
        Files.deleteIfExists(pqFile);
      }
    }
  }

  /**
   * The function a GRAPH_PQ graph is built and walked with: Euclidean for COSINE too (the vectors are unit length, so
   * the order is cosine's), because jvector's dot-product PQ must not be centred and uncentred codes rank poorly.
   */
  static VectorSimilarityFunction similarity(MetricType metric) {
    return metric == MetricType.COSINE ? VectorSimilarityFunction.EUCLIDEAN : Queries.similarity(metric);
  }

  /** The file's inline vectors are the rows themselves for L2 and IP (IP adds one trailing coordinate). */
  @Override
  public boolean holdsVectors(MetricType metric) {
    return metric != MetricType.COSINE;
  }

  @Override
  public VectorIndex open(VectorValues vectors, MetricType metric, Path localIndexFile) throws IOException {
    int dim = vectors == null ? -1 : vectors.dimension();
    int count = vectors == null ? -1 : vectors.count();
    IndexHeader header = OpenChecks.verify(localIndexFile, KIND, metric, dim, count);
    return GraphPqIndex.open(localIndexFile, header, vectors, metric);
  }
}
