package io.quiver.engine.filter;

import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Answers "can this segment hold a match?" from per-field min/max/null counts, conservatively: it returns false only
 * when no row can make the filter TRUE. {@code not} is pushed down through De Morgan's laws and operator complements,
 * which is exact under three-valued logic for integral, string and boolean fields; floating-point fields do not take
 * part in negation (a NaN row satisfies {@code not (x < 5)} while stats may leave NaN out of min/max).
 */
final class StatsPruner {
  private final BoundFilter filter;
  private final FieldStatsView stats;

  StatsPruner(BoundFilter filter, FieldStatsView stats) {
    this.filter = filter;
    this.stats = stats;
  }

  boolean mightMatch(Filter f) {
    if (f instanceof Filter.Constant) {
      return ((Filter.Constant) f).value();
    }
    if (f instanceof Filter.And) {
      return ((Filter.And) f).children().stream().allMatch(this::mightMatch);
    }
    if (f instanceof Filter.Or) {
      return ((Filter.Or) f).children().stream().anyMatch(this::mightMatch);
    }
    if (f instanceof Filter.Not) {
      Filter negated = negate(((Filter.Not) f).child());
      return negated == null || mightMatch(negated);
    }
    if (f instanceof Filter.IsNull) {
      Filter.IsNull n = (Filter.IsNull) f;
      Operand.FieldRef ref = (Operand.FieldRef) n.value();
      long nulls = stats.nullCount(ref.name());
      if (filter.isJson(ref)) {
        // A missing key is null even where the column is not, so only an all-null column decides.
        return n.negated() ? nulls < stats.rowCount() : true;
      }
      return n.negated() ? nulls < stats.rowCount() : nulls > 0;
    }
    // Every other predicate is UNKNOWN on null values, so a column without values can match nothing.
    for (String column : columnsOf(f)) {
      if (stats.nullCount(column) >= stats.rowCount()) {
        return false;
      }
    }
    Operand.FieldRef ref = typedRef(f);
    if (ref == null) {
      return true;
    }
    Object min = Comparisons.canonical(stats.min(ref.name()));
    Object max = Comparisons.canonical(stats.max(ref.name()));
    if (min == null || max == null || isNaN(min) || isNaN(max)) {
      return true;
    }
    boolean floating = isFloating(ref);
    if (f instanceof Filter.Compare) {
      Filter.Compare c = (Filter.Compare) f;
      Object v = ((Operand.Literal) c.right()).value();
      switch (c.op()) {
        case EQ:
          return holds(CompareOp.LE, min, v) && holds(CompareOp.LE, v, max);
        case NE:
          return floating || !(holds(CompareOp.EQ, min, v) && holds(CompareOp.EQ, max, v));
        case LT:
        case LE:
          return holds(c.op(), min, v);
        default:
          return holds(c.op(), max, v);
      }
    }
    if (f instanceof Filter.In) {
      Filter.In in = (Filter.In) f;
      if (in.negated()) {
        boolean single = holds(CompareOp.EQ, min, max);
        return floating || !single || in.values().stream().noneMatch(v -> holds(CompareOp.EQ, min, v));
      }
      return in.values().stream().anyMatch(v -> holds(CompareOp.LE, min, v) && holds(CompareOp.LE, v, max));
    }
    if (f instanceof Filter.Like && min instanceof String && max instanceof String) {
      LikePattern p = filter.prepared(f);
      if (p.kind() != LikePattern.Kind.PREFIX && p.kind() != LikePattern.Kind.EXACT) {
        return true;
      }
      String prefix = p.literal();
      // Every match is >= prefix, and its first |prefix| characters equal prefix, so min's must not exceed it.
      String minHead = truncate((String) min, prefix);
      return Comparisons.compareStrings((String) max, prefix) >= 0 && Comparisons.compareStrings(minHead, prefix) <= 0;
    }
    return true;
  }

  /** The exact negation of {@code f} under three-valued logic, or null when it cannot be expressed for pruning. */
  @Nullable
  private Filter negate(Filter f) {
    if (f instanceof Filter.Constant) {
      return new Filter.Constant(!((Filter.Constant) f).value());
    }
    if (f instanceof Filter.Not) {
      return ((Filter.Not) f).child();
    }
    if (f instanceof Filter.IsNull) {
      return new Filter.IsNull(((Filter.IsNull) f).value(), !((Filter.IsNull) f).negated());
    }
    if (f instanceof Filter.And || f instanceof Filter.Or) {
      boolean and = f instanceof Filter.And;
      List<Filter> out = new ArrayList<>();
      for (Filter c : and ? ((Filter.And) f).children() : ((Filter.Or) f).children()) {
        Filter n = negate(c);
        if (n == null && and) {
          return null; // not (a and b) = not a or not b: one unknown side makes the whole unknown
        }
        out.add(n == null ? new Filter.Constant(true) : n); // not (a or b) = not a and not b: "true" over-approximates
      }
      return and ? new Filter.Or(out) : new Filter.And(out);
    }
    Operand.FieldRef ref = typedRef(f);
    if (ref == null || isFloating(ref)) {
      return null;
    }
    if (f instanceof Filter.Compare) {
      Filter.Compare c = (Filter.Compare) f;
      return new Filter.Compare(c.left(), c.op().negate(), c.right());
    }
    if (f instanceof Filter.In) {
      Filter.In in = (Filter.In) f;
      return new Filter.In(in.value(), in.values(), !in.negated());
    }
    return null;
  }

  /** The typed field of {@code field op constant}, {@code field in [..]} or {@code field like ..}; else null. */
  @Nullable
  private Operand.FieldRef typedRef(Filter f) {
    Operand value = f instanceof Filter.Compare && ((Filter.Compare) f).right() instanceof Operand.Literal
        ? ((Filter.Compare) f).left()
        : f instanceof Filter.In ? ((Filter.In) f).value() : f instanceof Filter.Like ? ((Filter.Like) f).value() : null;
    return value instanceof Operand.FieldRef && !filter.isJson((Operand.FieldRef) value) ? (Operand.FieldRef) value
        : null;
  }

  private List<String> columnsOf(Filter f) {
    List<String> out = new ArrayList<>();
    if (f instanceof Filter.Compare) {
      collect(((Filter.Compare) f).left(), out);
      collect(((Filter.Compare) f).right(), out);
    } else if (f instanceof Filter.In) {
      collect(((Filter.In) f).value(), out);
    } else if (f instanceof Filter.Like) {
      collect(((Filter.Like) f).value(), out);
    } else if (f instanceof Filter.Contains) {
      collect(((Filter.Contains) f).value(), out);
    }
    return out;
  }

  private static void collect(Operand o, List<String> out) {
    if (o instanceof Operand.FieldRef) {
      out.add(((Operand.FieldRef) o).name());
    } else if (o instanceof Operand.Arith) {
      collect(((Operand.Arith) o).left(), out);
      collect(((Operand.Arith) o).right(), out);
    }
  }

  private boolean isFloating(Operand.FieldRef ref) {
    FieldSchema f = filter.schema().field(ref.name());
    return f != null && (f.type() == DataType.FLOAT || f.type() == DataType.DOUBLE);
  }

  /** {@code a op b}, treating "cannot tell" (unlike kinds) as true. */
  private static boolean holds(CompareOp op, Object a, Object b) {
    if (a instanceof Boolean && b instanceof Boolean) {
      return op.test(Boolean.compare((Boolean) a, (Boolean) b));
    }
    return !Boolean.FALSE.equals(Comparisons.compare(op, a, b));
  }

  private static boolean isNaN(Object v) {
    return v instanceof Double && ((Double) v).isNaN();
  }

  /** The first {@code prefix.codePointCount} code points of {@code s}. */
  private static String truncate(String s, String prefix) {
    int n = prefix.codePointCount(0, prefix.length());
    return s.codePointCount(0, s.length()) <= n ? s : s.substring(0, s.offsetByCodePoints(0, n));
  }
}
