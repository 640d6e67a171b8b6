package io.quiver.engine.search;

import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import java.util.List;

/**
 * Fuses the ranked lists of a hybrid search (one list per vector field) into one score per primary key, as
 * Milvus's rankers do.
 */
public interface Ranker {
  /**
   * The contribution of a hit at 0-based {@code rank} with user-facing {@code distance} in the list of request
   * {@code list} (searched with {@code metric}); a key's fused score is the sum over the lists it appears in.
   */
  float contribution(int list, int rank, float distance, MetricType metric);

  /** Reciprocal rank fusion: {@code 1 / (k + rank + 1)}; Milvus's default {@code k} is 60. */
  static Ranker rrf(int k) {
    if (k <= 0 || k >= 16_384) {
      throw new ValidationException("k", k, "the RRF constant must be in (0, 16384)");
    }
    return (list, rank, distance, metric) -> 1f / (k + rank + 1);
  }

  /**
   * Weighted sum of normalised distances, Milvus's {@code WeightedRanker}: IP {@code 0.5 + atan(d)/pi}, COSINE
   * {@code (1 + d) / 2}, L2 {@code 1 - 2 atan(d)/pi}, so every metric maps to [0, 1] with larger = closer.
   */
  static Ranker weighted(List<Float> weights) {
    for (int i = 0; i < weights.size(); i++) {
      float w = weights.get(i);
      if (!(w >= 0f && w <= 1f)) {
        throw new ValidationException("weights", weights, "weight " + i + " is " + w + "; weights lie in [0, 1]");
      }
    }
    return (list, rank, distance, metric) -> {
      if (list >= weights.size()) {
        throw new ValidationException("weights", weights, "one weight per search request is needed, got "
            + weights.size());
      }
      return weights.get(list) * normalise(distance, metric);
    };
  }

  static float normalise(float distance, MetricType metric) {
    switch (metric) {
      case IP:
        return (float) (0.5 + Math.atan(distance) / Math.PI);
      case COSINE:
        return (1f + distance) / 2f;
      default:
        return (float) (1.0 - 2.0 * Math.atan(distance) / Math.PI);
    }
  }
}
