package io.quiver.engine.index;

import io.github.jbellis.jvector.util.Bits;
import io.quiver.engine.schema.MetricType;
import javax.annotation.Nullable;

/**
 * Exact top-k over vectors that have no index file (freshly sealed segments, the WAL tail): the same scan FLAT uses,
 * for callers outside this package.
 */
public final class BruteForce {
  private BruteForce() {}

  /** The exact {@code k} nearest accepted ordinals of {@code vectors}, best first, ties to the lower ordinal. */
  public static SearchResult search(VectorValues vectors, MetricType metric, float[] query, int k,
      @Nullable Bits accept) {
    return ExactSearch.search(query, k, vectors.count(), metric, ExactSearch.over(vectors, metric), accept);
  }
}
