package io.quiver.engine.filter;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Brings constants from code (factory arguments, template parameters) to the canonical literal types: {@code Long},
 * {@code Double} (finite), {@code String}, {@code Boolean}, and lists of those.
 */
final class Literals {
  private Literals() {}

  /** A canonical scalar; the reason for refusing is returned through the exception message. */
  static Object scalar(@Nullable Object v) {
    if (v == null) {
      throw new IllegalArgumentException("null is not a filter constant; use 'is null' to test for null");
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Double || v instanceof Float) {
      return finite(((Number) v).doubleValue(), v);
    }
    if (v instanceof BigInteger) {
      BigInteger b = (BigInteger) v;
      if (b.bitLength() > 63) {
        throw new IllegalArgumentException("integer " + v + " is out of the INT64 range");
      }
      return b.longValue();
    }
    if (v instanceof BigDecimal) {
      return finite(((BigDecimal) v).doubleValue(), v);
    }
    if (v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Character) {
      return v.toString();
    }
    throw new IllegalArgumentException("a filter constant is a number, string or boolean, not "
        + v.getClass().getSimpleName() + " (" + v + ")");
  }

  private static Double finite(double d, Object original) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("NaN and infinite constants are not supported, got " + original);
    }
    return d;
  }

  /** Whether {@code v} is a list-like Java value (Collection or array). */
  static boolean isList(@Nullable Object v) {
    return v instanceof Collection || (v != null && v.getClass().isArray());
  }

  /** A list of canonical scalars (or, when {@code nested}, also lists of them). */
  static List<Object> list(Object v, boolean nested) {
    List<Object> out = new ArrayList<>();
    if (v instanceof Collection) {
      for (Object e : (Collection<?>) v) {
        out.add(element(e, nested));
      }
    } else if (v != null && v.getClass().isArray()) {
      for (int i = 0, n = Array.getLength(v); i < n; i++) {
        out.add(element(Array.get(v, i), nested));
      }
    } else {
      throw new IllegalArgumentException("expected a list of constants, got " + v);
    }
    return out;
  }

  private static Object element(Object e, boolean nested) {
    if (isList(e)) {
      if (!nested) {
        throw new IllegalArgumentException("nested lists are not supported here, got " + e);
      }
      return List.copyOf(list(e, true));
    }
    return scalar(e);
  }

  /** Whether a value is a canonical literal ({@code nested}: or a list of them). */
  static boolean isCanonical(Object v, boolean nested) {
    if (v instanceof Double) {
      return Double.isFinite((Double) v);
    }
    if (v instanceof Long || v instanceof String || v instanceof Boolean) {
      return true;
    }
    if (nested && v instanceof List) {
      for (Object e : (List<?>) v) {
        if (e == null || !isCanonical(e, true)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** The kind of a canonical scalar as users see it: number, string, boolean, list. */
  static String kind(Object v) {
    if (v instanceof Number) {
      return "number";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Boolean) {
      return "boolean";
    }
    return "list";
  }
}
