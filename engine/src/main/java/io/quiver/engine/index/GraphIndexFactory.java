package io.quiver.engine.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.disk.feature.SeparatedVectors;
import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * GRAPH: a jvector Vamana graph (optionally hierarchical, HNSW-like) searched with the full-precision vectors of the
 * caller's {@link VectorValues}. The file holds a jvector OnDiskGraphIndex (section {@code graph}) with the vectors as
 * jvector's SEPARATED_VECTORS feature: jvector's writer requires a vector feature, and keeping them after the adjacency
 * (rather than inline) leaves the node records small, so the neighbor lists searched through the memory map stay
 * dense. Search itself never reads those vectors.
 */
public final class GraphIndexFactory implements VectorIndexFactory {
  public static final String KIND = "GRAPH";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Map<String, String> defaultParams() {
    return ParamSpec.defaults(GraphSupport.GRAPH_SPECS);
  }

  @Override
  public IndexParams validate(Map<String, String> params) {
    return ParamSpec.validate(KIND, GraphSupport.GRAPH_SPECS, params);
  }

  @Override
  public void build(VectorValues vectors, MetricType metric, IndexParams params, OutputStream out,
      ProgressListener progress) throws IOException {
    checkKind(params);
    int dim = vectors.dimension();
    Map<String, Path> sections = new LinkedHashMap<>();
    Path graphFile = null;
    try {
      if (vectors.count() > 0) {
        var rows = GraphSupport.rows(vectors, metric);
        graphFile = Files.createTempFile("quiver-graph-", ".jv");
        ForkJoinPool pool = new ForkJoinPool(GraphSupport.threads(params));
        int gdim = GraphSupport.graphDimension(metric, dim);
        try (GraphIndexBuilder builder = GraphSupport.build(rows, gdim, Queries.similarity(metric), params, pool,
            progress)) {
          GraphSupport.write(builder.getGraph(), rows, new SeparatedVectors(gdim, 0L), graphFile);
        } finally {
          pool.shutdownNow();
        }
        sections.put("graph", graphFile);
      }
      IndexFiles.write(out, KIND, metric, dim, vectors.count(), GraphSupport.persisted(params), sections, progress);
    } finally {
      if (graphFile != null) {
        Files.deleteIfExists(graphFile);
      }
    }
  }

  private static void checkKind(IndexParams params) {
    if (!KIND.equals(params.kind())) {
      throw new IllegalArgumentException("Parameters of " + params.kind() + " given to " + KIND);
    }
  }

  @Override
  public VectorIndex open(VectorValues vectors, MetricType metric, Path localIndexFile) throws IOException {
    if (vectors == null) {
      throw new IllegalArgumentException("GRAPH searches the segment's vectors: open it with them");
    }
    IndexHeader header = OpenChecks.verify(localIndexFile, KIND, metric, vectors.dimension(), vectors.count());
    return GraphIndex.open(localIndexFile, header, vectors, metric);
  }
}
