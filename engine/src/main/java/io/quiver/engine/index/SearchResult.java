package io.quiver.engine.index;

import java.util.Arrays;

/**
 * Hits of one search, best first: ordinals and their user-facing distances ({@link
 * io.quiver.engine.schema.MetricType#distance}: squared L2 ascending, IP and COSINE descending). Distances are exact,
 * recomputed from full-precision vectors, whatever the index used to find the hits.
 */
public final class SearchResult {
  private static final SearchResult EMPTY = new SearchResult(new int[0], new float[0], 0, false);

  private final int[] ordinals;
  private final float[] distances;
  private final int visited;
  private final boolean exact;

  public SearchResult(int[] ordinals, float[] distances, int visited, boolean exact) {
    if (ordinals.length != distances.length) {
      throw new IllegalArgumentException("ordinals and distances differ in length: "
          + ordinals.length + " vs " + distances.length);
    }
    this.ordinals = ordinals;
    this.distances = distances;
    this.visited = visited;
    this.exact = exact;
  }

  public static SearchResult empty() {
    return EMPTY;
  }

  public int size() {
    return ordinals.length;
  }

  public int ordinal(int i) {
    return ordinals[i];
  }

  public float distance(int i) {
    return distances[i];
  }

  /** The ordinals, best first (a copy). */
  public int[] ordinals() {
    return ordinals.clone();
  }

  /** The distances, in the order of {@link #ordinals()} (a copy). */
  public float[] distances() {
    return distances.clone();
  }

  /** Vectors whose distance to the query was computed (approximate or exact); a cost measure. */
  public int visited() {
    return visited;
  }

  /** True when the answer came from an exhaustive scan (FLAT, or a filter too selective for the graph). */
  public boolean exact() {
    return exact;
  }

  @Override
  public String toString() {
    return "SearchResult" + Arrays.toString(ordinals) + (exact ? " (exact)" : "");
  }
}
