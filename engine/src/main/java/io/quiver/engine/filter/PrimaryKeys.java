package io.quiver.engine.filter;

import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Finds the values of a key field (INT64 or VARCHAR) a bound filter pins, for {@link
 * BoundFilter#primaryKeyCandidates()}, {@link BoundFilter#keyCandidates} and {@link BoundFilter#exactPrimaryKeys()}.
 */
final class PrimaryKeys {
  private PrimaryKeys() {}

  @Nullable
  static Set<Object> candidates(Filter f, FieldSchema pk) {
    Set<Object> s = find(f, pk, false);
    return s == null ? null : Collections.unmodifiableSet(s);
  }

  /**
   * The keys when the filter is nothing but a list of them ({@code pk == v}, {@code pk in [..]}, or-ed), else null:
   * exactly the rows with those keys match, whatever else they hold.
   */
  @Nullable
  static Set<Object> exact(Filter f, FieldSchema pk) {
    Set<Object> s = find(f, pk, true);
    return s == null ? null : Collections.unmodifiableSet(s);
  }

  /** With {@code exact}, only key lists and their {@code or}s count (no constant, no {@code and}). */
  @Nullable
  private static Set<Object> find(Filter f, FieldSchema pk, boolean exact) {
    if (f instanceof Filter.Constant) {
      return exact || ((Filter.Constant) f).value() ? null : new LinkedHashSet<>();
    }
    if (f instanceof Filter.Compare) {
      Filter.Compare c = (Filter.Compare) f;
      if (c.op() == CompareOp.EQ && isPk(c.left(), pk) && c.right() instanceof Operand.Literal) {
        return keys(List.of(((Operand.Literal) c.right()).value()), pk);
      }
      return null;
    }
    if (f instanceof Filter.In) {
      Filter.In in = (Filter.In) f;
      return !in.negated() && isPk(in.value(), pk) ? keys(in.values(), pk) : null;
    }
    if (f instanceof Filter.Or) {
      Set<Object> union = new LinkedHashSet<>();
      for (Filter c : ((Filter.Or) f).children()) {
        Set<Object> s = find(c, pk, exact);
        if (s == null) {
          return null;
        }
        union.addAll(s);
      }
      return union;
    }
    if (f instanceof Filter.And && !exact) {
      Set<Object> result = null;
      for (Filter c : ((Filter.And) f).children()) {
        Set<Object> s = find(c, pk, false);
        if (s != null) {
          if (result == null) {
            result = s;
          } else {
            result.retainAll(s);
          }
        }
      }
      return result;
    }
    return null;
  }

  private static boolean isPk(Operand o, FieldSchema pk) {
    return o instanceof Operand.FieldRef && ((Operand.FieldRef) o).name().equals(pk.name())
        && ((Operand.FieldRef) o).path().isEmpty();
  }

  /** The constants as key values; constants no key can equal (2.5 for an INT64 key) are dropped. */
  private static Set<Object> keys(List<Object> values, FieldSchema pk) {
    Set<Object> out = new LinkedHashSet<>();
    for (Object v : values) {
      if (pk.type() == DataType.INT64 && v instanceof Long) {
        out.add(v);
      } else if (pk.type() == DataType.INT64 && v instanceof Double) {
        double d = (Double) v;
        if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
          out.add((long) d);
        }
      } else if (pk.type() == DataType.VARCHAR && v instanceof String) {
        out.add(v);
      }
    }
    return out;
  }
}
