package io.quiver.engine.index;

import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import javax.annotation.Nullable;

/** Edge checks and small helpers every index kind shares. */
final class Queries {
  /** Ordinals sampled to estimate how many an accept set holds, when the caller does not say. */
  static final int ACCEPT_SAMPLE = 1024;

  private Queries() {
  }

  static void check(float[] query, int k, int dimension) {
    if (query == null) {
      throw new ValidationException("query", null, "must not be null");
    }
    if (query.length != dimension) {
      throw new ValidationException("query", query, "dimension " + query.length + " differs from the index's "
          + dimension);
    }
    for (int i = 0; i < query.length; i++) {
      if (!Float.isFinite(query[i])) {
        throw new ValidationException("query", query, "component " + i + " is " + query[i]
            + "; every component must be a finite number");
      }
    }
    if (k <= 0 || k > VectorIndex.MAX_K) {
      throw new ValidationException("k", k, "must be between 1 and " + VectorIndex.MAX_K);
    }
  }

  /**
   * The jvector similarity a graph of {@code metric} is built and searched with: EUCLIDEAN for L2, and for IP too (on
   * vectors augmented by {@link GraphSupport#rows}); DOT_PRODUCT of unit vectors for COSINE.
   */
  static VectorSimilarityFunction similarity(MetricType metric) {
    return metric == MetricType.COSINE ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
  }

  /** {@code v} scaled to unit length (a zero vector stays zero), as a new array. */
  static float[] normalized(float[] v, int offset, int dim) {
    double sum = 0;
    for (int i = 0; i < dim; i++) {
      float x = v[offset + i];
      sum += x * x;
    }
    float[] out = new float[dim];
    if (sum == 0) {
      return out;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < dim; i++) {
      out[i] = v[offset + i] * inv;
    }
    return out;
  }

  /**
   * How many of {@code count} ordinals {@code accept} holds: the caller's count when given, else an estimate from
   * {@link #ACCEPT_SAMPLE} evenly spaced ordinals (exact when count is small).
   */
  static int acceptCount(@Nullable Bits accept, int count, SearchOptions opts) {
    if (accept == null) {
      return count;
    }
    if (opts.acceptCount() >= 0) {
      return Math.min(opts.acceptCount(), count);
    }
    if (count <= ACCEPT_SAMPLE) {
      int n = 0;
      for (int i = 0; i < count; i++) {
        if (accept.get(i)) {
          n++;
        }
      }
      return n;
    }
    double step = (double) count / ACCEPT_SAMPLE;
    int hits = 0;
    for (int i = 0; i < ACCEPT_SAMPLE; i++) {
      if (accept.get((int) (i * step))) {
        hits++;
      }
    }
    return (int) Math.min(count, Math.round((double) hits / ACCEPT_SAMPLE * count));
  }
}
