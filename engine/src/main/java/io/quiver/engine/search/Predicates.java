package io.quiver.engine.search;

import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.filter.FieldStatsView;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.segment.FieldStats;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentStats;
import java.util.Map;
import javax.annotation.Nullable;
import org.roaringbitmap.RoaringBitmap;

/** Turns filter-language expressions into {@link SegmentFilter}s: bitmaps over segments and stats pruning. */
public final class Predicates {
  private Predicates() {}

  /**
   * Parses and binds a Milvus-syntax filter ({@code age > {min} and tag in ["a","b"]}) against {@code schema}.
   *
   * @return null for a blank expression (no filter)
   * @throws io.quiver.engine.filter.FilterException with the position of a syntax or type error
   */
  @Nullable
  public static SegmentFilter parse(@Nullable String expression, CollectionSchema schema, Map<String, ?> params) {
    if (expression == null || expression.isBlank()) {
      return null;
    }
    return of(Filters.parse(expression, schema, params));
  }

  /** The search layer's view of a bound filter; null when it is always true. */
  @Nullable
  public static SegmentFilter of(BoundFilter filter) {
    if (filter.isAlwaysTrue()) {
      return null;
    }
    return new SegmentFilter() {
      @Override
      public RoaringBitmap matches(SegmentData segment) {
        return filter.evaluate(segment);
      }

      @Override
      public boolean mightMatch(SegmentStats stats) {
        return filter.mightMatch(view(stats));
      }

      @Override
      public String describe() {
        return filter.expression().toString();
      }
    };
  }

  /** Segment stats as the filter pruner reads them. */
  public static FieldStatsView view(SegmentStats stats) {
    return new FieldStatsView() {
      @Nullable
      @Override
      public Object min(String field) {
        FieldStats f = stats.field(field);
        return f == null ? null : f.min();
      }

      @Nullable
      @Override
      public Object max(String field) {
        FieldStats f = stats.field(field);
        return f == null ? null : f.max();
      }

      @Override
      public long nullCount(String field) {
        // Fields without stats ($meta, JSON paths) are unknown, never "all null": 0 keeps pruning conservative.
        FieldStats f = stats.field(field);
        return f == null ? 0 : f.nullCount();
      }

      @Override
      public long rowCount() {
        return stats.rowCount();
      }
    };
  }
}
