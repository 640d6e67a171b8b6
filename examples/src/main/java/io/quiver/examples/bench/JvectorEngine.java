package io.quiver.examples.bench;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.FixedBitSet;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.schema.MetricType;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Raw jvector, no Quiver code: GraphIndexBuilder.build over a list of vectors (jvector's default executors), an
 * on-heap graph, one GraphSearcher per thread, exact scores from the same vectors.
 */
final class JvectorEngine implements AnnEngine {
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  private final int maxDegree;
  private final int beamWidth;
  private final float overflow;
  private final float alpha;
  private final boolean hierarchy;
  private VectorSimilarityFunction vsf;
  private RandomAccessVectorValues ravv;
  private ImmutableGraphIndex graph;
  private ThreadLocal<GraphSearcher> searchers;

  JvectorEngine(int maxDegree, int beamWidth, float overflow, float alpha, boolean hierarchy) {
    this.maxDegree = maxDegree;
    this.beamWidth = beamWidth;
    this.overflow = overflow;
    this.alpha = alpha;
    this.hierarchy = hierarchy;
  }

  @Override
  public String name() {
    return "jvector";
  }

  static VectorSimilarityFunction similarity(MetricType m) {
    switch (m) {
      case L2:
        return VectorSimilarityFunction.EUCLIDEAN;
      case IP:
        return VectorSimilarityFunction.DOT_PRODUCT;
      default:
        return VectorSimilarityFunction.COSINE;
    }
  }

  @Override
  public void build(AnnData data, ProgressListener progress) throws Exception {
    vsf = similarity(data.metric);
    int dim = data.base.dimension();
    List<VectorFloat<?>> rows = new ArrayList<>(data.base.count());
    for (int i = 0; i < data.base.count(); i++) {
      rows.add(VTS.createFloatVector(data.base.vector(i)));
    }
    ravv = new ListRandomAccessVectorValues(rows, dim);
    progress.progress("graph", 0, 1);
    try (GraphIndexBuilder builder = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(ravv, vsf),
        dim, maxDegree, beamWidth, overflow, alpha, hierarchy)) {
      graph = builder.build(ravv);
    }
    progress.progress("graph", 1, 1);
    searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
  }

  @Override
  public long indexBytes() {
    return graph.ramBytesUsed();
  }

  @Override
  public int[] search(float[] query, int k, int width, @Nullable FixedBitSet filter, int filterCount) {
    var ssp = DefaultSearchScoreProvider.exact(VTS.createFloatVector(query), vsf, ravv);
    var r = searchers.get().search(ssp, k, Math.max(k, width), 0f, 0f, filter == null ? Bits.ALL : filter);
    var nodes = r.getNodes();
    int[] out = new int[nodes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = nodes[i].node;
    }
    return out;
  }
}
