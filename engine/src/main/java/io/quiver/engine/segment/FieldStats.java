package io.quiver.engine.segment;

import javax.annotation.Nullable;

/**
 * Min, max and null count of one scalar field in one segment. Min/max are in the field's canonical Java type and
 * null when every value is null (or for JSON fields, which have no order).
 */
public record FieldStats(@Nullable Object min, @Nullable Object max, long nullCount) implements java.io.Serializable {

  /** Accumulates stats while a segment is written. */
  static final class Collector {
    private Comparable<Object> min;
    private Comparable<Object> max;
    private long nulls;
    private final boolean ordered;

    Collector(boolean ordered) {
      this.ordered = ordered;
    }

    @SuppressWarnings("unchecked")
    void add(@Nullable Object value) {
      if (value == null) {
        nulls++;
        return;
      }
      if (!ordered) {
        return;
      }
      Comparable<Object> c = (Comparable<Object>) value;
      if (min == null || c.compareTo(min) < 0) {
        min = c;
      }
      if (max == null || c.compareTo(max) > 0) {
        max = c;
      }
    }

    FieldStats build() {
      return new FieldStats(min, max, nulls);
    }
  }
}
