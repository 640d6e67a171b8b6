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
      if (min == null || compare(c, min) < 0) {
        min = c;
      }
      if (max == null || compare(c, max) > 0) {
        max = c;
      }
    }

    /** Strings by code point (UTF-8 byte order, as Parquet and the filter pruner order them), others naturally. */
    private static int compare(Comparable<Object> a, Object b) {
      Object x = a;
      if (x instanceof String) {
        return compareCodePoints((String) x, (String) b);
      }
      return a.compareTo(b);
    }

    private static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int ca = a.codePointAt(i);
        int cb = b.codePointAt(j);
        if (ca != cb) {
          return Integer.compare(ca, cb);
        }
        i += Character.charCount(ca);
        j += Character.charCount(cb);
      }
      return Integer.compare(a.length() - i, b.length() - j);
    }

    FieldStats build() {
      return new FieldStats(min, max, nulls);
    }
  }
}
