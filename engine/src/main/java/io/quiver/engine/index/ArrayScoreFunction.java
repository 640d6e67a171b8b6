package io.quiver.engine.index;

import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.vector.VectorUtilSupport;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.quiver.engine.schema.MetricType;

/**
 * jvector's exact score of a query against rows of one contiguous array, read in place: no row is copied per
 * comparison. Scores follow jvector's similarity functions (EUCLIDEAN {@code 1/(1+d)}, DOT_PRODUCT {@code (1+dot)/2})
 * so the ranking equals the one the graph was built with; COSINE is the dot product of the unit query with the row
 * times the row's precomputed inverse norm. IP graphs are built with Euclidean distance on augmented rows (see {@code
 * GraphSupport.rows}); ranking by the raw dot product here gives the same order, which is all a graph walk compares.
 *
 * <p>Kernels: where jvector has SIMD (JDK 20+ with {@code jdk.incubator.vector}) the whole array is wrapped once as a
 * jvector vector and compared with jvector's offset kernels. On its scalar fallback (JDK 17) those offset kernels are
 * a single-accumulator loop, about half the speed of jvector's whole-vector scalar code at 784 dimensions (measured
 * with {@code bench ann} on mnist10k), so {@link Kernels} loops are used instead.
 */
final class ArrayScoreFunction implements ScoreFunction.ExactScoreFunction {
  private static final VectorUtilSupport VU = VectorizationProvider.getInstance().getVectorUtilSupport();
  static final boolean JVECTOR_SIMD =
      !VectorizationProvider.getInstance().getClass().getSimpleName().startsWith("Default");

  private final MetricType metric;
  private final float[] queryArray;
  private final float[] data;
  private final VectorFloat<?> query;
  private final VectorFloat<?> all;
  private final int dim;
  private final float[] inverseNorms;

  /**
   * @param query        the query (unit length for COSINE)
   * @param all          {@code data} wrapped as one jvector vector
   * @param inverseNorms per row 1/|row| (0 for a zero row), COSINE only
   */
  ArrayScoreFunction(MetricType metric, float[] query, float[] data, VectorFloat<?> all, int dim,
      float[] inverseNorms) {
    this.metric = metric;
    this.queryArray = query;
    this.data = data;
    this.query = JVECTOR_SIMD ? GraphSupport.VTS.createFloatVector(query) : null;
    this.all = all;
    this.dim = dim;
    this.inverseNorms = inverseNorms;
  }

  @Override
  public float similarityTo(int node) {
    int off = node * dim;
    switch (metric) {
      case L2:
        return 1f / (1f + (JVECTOR_SIMD ? VU.squareDistance(query, 0, all, off, dim)
            : Kernels.squareDistance(queryArray, data, off, dim)));
      case IP:
        return (1f + dot(off)) / 2f;
      default:
        return (1f + dot(off) * inverseNorms[node]) / 2f;
    }
  }

  private float dot(int off) {
    return JVECTOR_SIMD ? VU.dotProduct(query, 0, all, off, dim) : Kernels.dotProduct(queryArray, data, off, dim);
  }

  static float[] inverseNorms(VectorValues v) {
    int dim = v.dimension();
    float[] data = v.data();
    float[] inv = new float[v.count()];
    for (int i = 0; i < inv.length; i++) {
      double s = 0;
      for (int j = i * dim, end = j + dim; j < end; j++) {
        s += data[j] * data[j];
      }
      inv[i] = s == 0 ? 0f : (float) (1.0 / Math.sqrt(s));
    }
    return inv;
  }
}
