package io.quiver.engine.segment;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    /** The UTF-8 bytes of a text {@link #min} and {@link #max}, or null until {@link #addUtf8} needs them. */
    private byte[] minUtf8;
    private byte[] maxUtf8;
    private long nulls;
    private final boolean ordered;
    /** Text up to this many bytes is compared by {@link #compareUtf8}'s loop. */
    private static final int SHORT_TEXT = 16;

    Collector(boolean ordered) {
      this.ordered = ordered;
    }

    void addNull() {
      nulls++;
    }

    @SuppressWarnings("unchecked")
    void add(@Nullable Object value) {
      if (value == null) {
        addNull();
        return;
      }
      if (!ordered) {
        return;
      }
      Comparable<Object> c = (Comparable<Object>) value;
      if (min == null || compare(c, min) < 0) {
        min = c;
        minUtf8 = null;
      }
      if (max == null || compare(c, max) > 0) {
        max = c;
        maxUtf8 = null;
      }
    }

    /** Adds an INT32 ({@code int32}) or INT64 value without boxing it unless it is a new min or max. */
    void addLong(long value, boolean int32) {
      if (!ordered) {
        return;
      }
      if (min == null || value < ((Number) min).longValue()) {
        min = box(value, int32);
      }
      if (max == null || value > ((Number) max).longValue()) {
        max = box(value, int32);
      }
    }

    @SuppressWarnings("unchecked")
    private static Comparable<Object> box(long value, boolean int32) {
      Object boxed; // not a conditional expression: that would unbox both and box the Integer as a Long
      if (int32) {
        boxed = Integer.valueOf((int) value);
      } else {
        boxed = Long.valueOf(value);
      }
      return (Comparable<Object>) boxed;
    }

    /**
     * Adds a text value given as its UTF-8 bytes {@code b[from, from + len)}, compared in UTF-8 byte order (the order
     * of {@link #compareCodePoints}); a String is made only for a new min or max.
     */
    @SuppressWarnings("unchecked")
    void addUtf8(byte[] b, int from, int len) {
      if (!ordered) {
        return;
      }
      // the bytes of a min or max that add(Object) set as a String
      if (min != null && minUtf8 == null) {
        minUtf8 = ((String) (Object) min).getBytes(StandardCharsets.UTF_8);
      }
      if (max != null && maxUtf8 == null) {
        maxUtf8 = ((String) (Object) max).getBytes(StandardCharsets.UTF_8);
      }
      if (min == null || compareUtf8(b, from, len, minUtf8) < 0) {
        min = (Comparable<Object>) (Object) new String(b, from, len, StandardCharsets.UTF_8);
        minUtf8 = Arrays.copyOfRange(b, from, from + len);
      }
      if (max == null || compareUtf8(b, from, len, maxUtf8) > 0) {
        max = (Comparable<Object>) (Object) new String(b, from, len, StandardCharsets.UTF_8);
        maxUtf8 = Arrays.copyOfRange(b, from, from + len);
      }
    }

    /**
     * {@code b[from, from + len)} against {@code other} in unsigned byte order: a plain loop for short text (tags,
     * codes, most text values), for which {@link Arrays#compareUnsigned}'s vectorized mismatch costs more in setup
     * than it saves (it took most of this collector's time in a seal).
     */
    static int compareUtf8(byte[] b, int from, int len, byte[] other) {
      int n = Math.min(len, other.length);
      if (n > SHORT_TEXT) {
        return Arrays.compareUnsigned(b, from, from + len, other, 0, other.length);
      }
      for (int k = 0; k < n; k++) {
        int d = (b[from + k] & 0xff) - (other[k] & 0xff);
        if (d != 0) {
          return d;
        }
      }
      return len - other.length;
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
