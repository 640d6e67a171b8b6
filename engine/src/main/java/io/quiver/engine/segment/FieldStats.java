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

    /**
     * Code point order (UTF-8 byte order): UTF-16 order except where a surrogate meets a char from U+E000 up, so the
     * chars are compared as they are and only the first mismatch is looked at by code point (from the start of its
     * code point when it falls on the low half of a pair).
     */
    static int compareCodePoints(String a, String b) {
      int n = Math.min(a.length(), b.length());
      for (int k = 0; k < n; k++) {
        if (a.charAt(k) != b.charAt(k)) {
          int at = k > 0 && Character.isHighSurrogate(a.charAt(k - 1)) ? k - 1 : k;
          return Integer.compare(a.codePointAt(at), b.codePointAt(at));
        }
      }
      return Integer.compare(a.length(), b.length());
    }

    FieldStats build() {
      return new FieldStats(min, max, nulls);
    }
  }
}
