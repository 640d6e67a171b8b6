package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The one definition of comparing two values, shared by the row evaluator, the generic and JSON paths of the column
 * evaluator, constant folding and stats pruning. The typed column loops ({@link NumericRange}, UTF-8 byte comparisons)
 * implement the same order and are checked against this class by a randomized test.
 *
 * <p>Values are in canonical form (see {@link #canonical}): {@code Long}, {@code Double}, {@code String},
 * {@code Boolean}, or a Jackson {@code JsonNode} for JSON arrays and objects.
 * <ul>
 *   <li>Numbers compare by exact numeric value across {@code Long} and {@code Double} (no rounding of large longs).
 *   IEEE rules for NaN: every comparison with NaN is false except {@code !=}; {@code -0.0 == 0.0}.
 *   <li>Strings compare by Unicode code point, which is also the unsigned byte order of their UTF-8 form.
 *   <li>Booleans support only {@code ==} and {@code !=}.
 *   <li>Values of different kinds (only possible with JSON) are not equal: {@code ==} is false, {@code !=} is true,
 *   and an ordering comparison is UNKNOWN.
 * </ul>
 */
final class Comparisons {
  private static final double TWO_63 = 0x1p63;

  private Comparisons() {}

  /** Brings a Java value to canonical form: integral numbers to Long, Float/Double to Double. */
  @Nullable
  static Object canonical(@Nullable Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    return v;
  }

  /**
   * Compares {@code a op b}; null means UNKNOWN (a null operand, or an ordering comparison of unlike kinds).
   */
  @Nullable
  static Boolean compare(CompareOp op, @Nullable Object a, @Nullable Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Number && b instanceof Number) {
      return compareNumbers(op, (Number) a, (Number) b);
    }
    if (a instanceof String && b instanceof String) {
      return op.test(compareStrings((String) a, (String) b));
    }
    if (a instanceof Boolean && b instanceof Boolean) {
      return op.isOrdering() ? null : op.test(Boolean.compare((Boolean) a, (Boolean) b));
    }
    if (a instanceof JsonNode && b instanceof JsonNode && !op.isOrdering()) {
      return op.test(a.equals(b) ? 0 : 1);
    }
    return op == CompareOp.EQ ? Boolean.FALSE : op == CompareOp.NE ? Boolean.TRUE : null;
  }

  static boolean compareNumbers(CompareOp op, Number a, Number b) {
    if (a instanceof Long && b instanceof Long) {
      return op.test(Long.compare(a.longValue(), b.longValue()));
    }
    if (a instanceof Long) {
      double y = b.doubleValue();
      return Double.isNaN(y) ? op == CompareOp.NE : op.test(compareLongDouble(a.longValue(), y));
    }
    if (b instanceof Long) {
      double x = a.doubleValue();
      return Double.isNaN(x) ? op == CompareOp.NE : op.test(-compareLongDouble(b.longValue(), x));
    }
    return compareDoubles(op, a.doubleValue(), b.doubleValue());
  }

  /** IEEE comparison: false with NaN except for {@code !=}; {@code -0.0 == 0.0}. */
  static boolean compareDoubles(CompareOp op, double x, double y) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return op == CompareOp.NE;
    }
    return op.test(x < y ? -1 : x > y ? 1 : 0);
  }

  /** Exact three-way comparison of a long with a non-NaN double. */
  static int compareLongDouble(long a, double b) {
    if (b >= TWO_63) {
      return -1;
    }
    if (b < -TWO_63) {
      return 1;
    }
    long t = (long) b; // truncated toward zero; exact because |b| < 2^63
    int c = Long.compare(a, t);
    if (c != 0) {
      return c;
    }
    double frac = b - t; // exact: b and t share their integral part
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
  }

  /** Code point order (= UTF-8 byte order), unlike {@link String#compareTo}'s UTF-16 order. */
  static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, so they sort after U+E000..U+FFFF.
        return Integer.compare(fixup(x), fixup(y));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  private static int fixup(char c) {
    if (c >= 0xE000) {
      return c - 0x800;
    }
    if (c >= 0xD800) {
      return c + 0x2000;
    }
    return c;
  }

  /** Equality for {@code json_contains}: numeric-aware scalars, and a list value equals a JSON array element-wise. */
  static boolean jsonEquals(@Nullable Object element, Object value) {
    if (value instanceof List) {
      if (!(element instanceof JsonNode) || !((JsonNode) element).isArray()) {
        return false;
      }
      JsonNode array = (JsonNode) element;
      List<?> list = (List<?>) value;
      if (array.size() != list.size()) {
        return false;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!jsonEquals(JsonValues.toValue(array.get(i)), list.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Boolean.TRUE.equals(compare(CompareOp.EQ, element, value));
  }
}
