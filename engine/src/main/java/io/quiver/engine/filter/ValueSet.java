package io.quiver.engine.filter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The constants of an {@code in} list (or {@code json_contains_any}), prepared for lookups instead of one comparison
 * per constant: integral numbers in a sorted {@code long[]} (binary search, no boxing), other numbers in a sorted
 * {@code double[]}, strings in a hash set (also as UTF-8 for VARCHAR columns, so rows are never decoded).
 *
 * <p>Membership means {@link Comparisons#compare} {@code ==}: {@code 2 in [2.0]} holds, NaN is in no set.
 */
final class ValueSet {
  private final long[] longs;
  private final double[] doubles;
  private final Set<String> strings;
  private final Set<ByteBuffer> utf8;
  private final boolean hasTrue;
  private final boolean hasFalse;

  private ValueSet(long[] longs, double[] doubles, Set<String> strings, boolean hasTrue, boolean hasFalse) {
    this.longs = longs;
    this.doubles = doubles;
    this.strings = strings;
    this.hasTrue = hasTrue;
    this.hasFalse = hasFalse;
    this.utf8 = new HashSet<>();
    for (String s : strings) {
      utf8.add(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** A set of canonical scalars (Long, Double, String, Boolean); other values can never be members. */
  static ValueSet of(Collection<?> values) {
    long[] ls = new long[values.size()];
    double[] ds = new double[values.size()];
    int nl = 0;
    int nd = 0;
    Set<String> strings = new HashSet<>();
    boolean t = false;
    boolean f = false;
    for (Object v : values) {
      if (v instanceof Long) {
        ls[nl++] = (Long) v;
      } else if (v instanceof Double) {
        double d = (Double) v;
        if (isLong(d)) {
          ls[nl++] = (long) d;
        } else if (!Double.isNaN(d)) {
          ds[nd++] = d;
        }
      } else if (v instanceof String) {
        strings.add((String) v);
      } else if (v instanceof Boolean) {
        t |= (Boolean) v;
        f |= !(Boolean) v;
      }
    }
    long[] sortedLongs = Arrays.stream(ls, 0, nl).sorted().distinct().toArray();
    double[] sortedDoubles = Arrays.stream(ds, 0, nd).sorted().distinct().toArray();
    return new ValueSet(sortedLongs, sortedDoubles, strings, t, f);
  }

  private static boolean isLong(double d) {
    return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
  }

  boolean containsLong(long v) {
    return Arrays.binarySearch(longs, v) >= 0;
  }

  boolean containsDouble(double v) {
    if (isLong(v)) {
      return containsLong((long) v);
    }
    return !Double.isNaN(v) && Arrays.binarySearch(doubles, v) >= 0;
  }

  boolean containsString(String v) {
    return strings.contains(v);
  }

  /** Membership of a UTF-8 string; the buffer's content between position and limit is the key. */
  boolean containsUtf8(ByteBuffer v) {
    return utf8.contains(v);
  }

  boolean containsBoolean(boolean v) {
    return v ? hasTrue : hasFalse;
  }

  /** Membership of a canonical value: null (UNKNOWN) for null, false for values of another kind. */
  @Nullable
  Boolean contains(@Nullable Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Long) {
      return containsLong((Long) v);
    }
    if (v instanceof Double) {
      return containsDouble((Double) v);
    }
    if (v instanceof String) {
      return containsString((String) v);
    }
    if (v instanceof Boolean) {
      return containsBoolean((Boolean) v);
    }
    return false;
  }

  /** Smallest and largest number, for stats pruning; null when the set holds no numbers. */
  @Nullable
  double[] numericBounds() {
    if (longs.length == 0 && doubles.length == 0) {
      return null;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    if (longs.length > 0) {
      lo = longs[0];
      hi = longs[longs.length - 1];
    }
    if (doubles.length > 0) {
      lo = Math.min(lo, doubles[0]);
      hi = Math.max(hi, doubles[doubles.length - 1]);
    }
    return new double[] {lo, hi};
  }
}
