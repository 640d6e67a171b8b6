package io.quiver.engine.index;

import io.quiver.engine.schema.ValidationException;

/**
 * Per-query knobs. Immutable; {@link #DEFAULTS} or {@link #builder()}.
 *
 * <ul>
 *   <li>{@code width}: the search beam (HNSW's {@code ef}, jvector's {@code rerankK}); 0 means the index's default,
 *       {@code max(k, 100)}. Never below {@code k}.
 *   <li>{@code rerankFactor}: GRAPH_PQ reranks {@code k * rerankFactor} PQ candidates with full vectors; 0 means the
 *       factor the index was built with.
 *   <li>{@code acceptCount}: the number of ordinals the accept set holds, when the caller knows it (a RoaringBitmap's
 *       cardinality); -1 lets the index estimate it by sampling.
 *   <li>{@code filterStrategy}: AUTO picks an exact scan over the accept set when it is small (see package docs),
 *       GRAPH and EXACT force one path (tests, benchmarks).
 * </ul>
 */
public final class SearchOptions {
  /** What a filtered search does. */
  public enum FilterStrategy { AUTO, GRAPH, EXACT }

  public static final SearchOptions DEFAULTS = builder().build();

  private final int width;
  private final float rerankFactor;
  private final int acceptCount;
  private final FilterStrategy filterStrategy;

  private SearchOptions(Builder b) {
    this.width = b.width;
    this.rerankFactor = b.rerankFactor;
    this.acceptCount = b.acceptCount;
    this.filterStrategy = b.filterStrategy;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static SearchOptions width(int width) {
    return builder().width(width).build();
  }

  public int width() {
    return width;
  }

  /** The beam to use for {@code k} results: the width asked for (or the default), never below {@code k}. */
  public int effectiveWidth(int k) {
    return Math.max(k, width == 0 ? Math.max(k, 100) : width);
  }

  public float rerankFactor() {
    return rerankFactor;
  }

  public int acceptCount() {
    return acceptCount;
  }

  public FilterStrategy filterStrategy() {
    return filterStrategy;
  }

  public Builder toBuilder() {
    return new Builder().width(width).rerankFactor(rerankFactor).acceptCount(acceptCount)
        .filterStrategy(filterStrategy);
  }

  @Override
  public String toString() {
    return "SearchOptions{width=" + width + ", rerankFactor=" + rerankFactor + ", acceptCount=" + acceptCount
        + ", filterStrategy=" + filterStrategy + "}";
  }

  /** Builder; every setter validates its argument. */
  public static final class Builder {
    private int width;
    private float rerankFactor;
    private int acceptCount = -1;
    private FilterStrategy filterStrategy = FilterStrategy.AUTO;

    private Builder() {
    }

    public Builder width(int width) {
      if (width < 0 || width > VectorIndex.MAX_K * 4) {
        throw new ValidationException("width", width, "must be between 0 (default) and " + VectorIndex.MAX_K * 4);
      }
      this.width = width;
      return this;
    }

    public Builder rerankFactor(float rerankFactor) {
      if (!(rerankFactor >= 0 && rerankFactor <= 1000)) {
        throw new ValidationException("rerank_factor", rerankFactor, "must be between 0 (index default) and 1000");
      }
      this.rerankFactor = rerankFactor;
      return this;
    }

    public Builder acceptCount(int acceptCount) {
      if (acceptCount < -1) {
        throw new ValidationException("accept_count", acceptCount, "must be -1 (unknown) or a count");
      }
      this.acceptCount = acceptCount;
      return this;
    }

    public Builder filterStrategy(FilterStrategy filterStrategy) {
      this.filterStrategy = java.util.Objects.requireNonNull(filterStrategy, "filterStrategy");
      return this;
    }

    public SearchOptions build() {
      return new SearchOptions(this);
    }
  }
}
