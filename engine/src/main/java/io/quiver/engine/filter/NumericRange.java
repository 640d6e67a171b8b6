package io.quiver.engine.filter;

import javax.annotation.Nullable;

/**
 * A numeric comparison against a constant, {@code v op c}, rewritten as "v lies in [lo, hi]" (or outside it, for
 * {@code !=}) so that a column loop does two primitive comparisons per row whatever the operator. Exactly the
 * semantics of {@link Comparisons#compareNumbers}, IEEE NaN included: NaN lies in no range, so only {@code !=} (a
 * negated range) selects it.
 */
final class NumericRange {
  private static final double TWO_63 = 0x1p63;

  final boolean negated;
  final boolean empty;
  final long lo;
  final long hi;
  final double dlo;
  final double dhi;

  private NumericRange(boolean negated, boolean empty, long lo, long hi, double dlo, double dhi) {
    this.negated = negated;
    this.empty = empty;
    this.lo = lo;
    this.hi = hi;
    this.dlo = dlo;
    this.dhi = dhi;
  }

  /** The range for an integral column. */
  static NumericRange forLongs(CompareOp op, Number c) {
    if (c instanceof Long) {
      long x = c.longValue();
      switch (op) {
        case EQ:
          return longs(false, x, x);
        case NE:
          return longs(true, x, x);
        case LT:
          return x == Long.MIN_VALUE ? emptyRange(false) : longs(false, Long.MIN_VALUE, x - 1);
        case LE:
          return longs(false, Long.MIN_VALUE, x);
        case GT:
          return x == Long.MAX_VALUE ? emptyRange(false) : longs(false, x + 1, Long.MAX_VALUE);
        case GE:
          return longs(false, x, Long.MAX_VALUE);
        default:
          throw new IllegalStateException("Unhandled operator " + op);
      }
    }
    double d = c.doubleValue();
    if (Double.isNaN(d)) {
      return emptyRange(op == CompareOp.NE);
    }
    switch (op) {
      case EQ:
      case NE: {
        boolean integral = d == Math.rint(d) && d >= -TWO_63 && d < TWO_63;
        return integral ? longs(op == CompareOp.NE, (long) d, (long) d) : emptyRange(op == CompareOp.NE);
      }
      case LT: // largest long < d is ceil(d) - 1
        if (d <= -TWO_63) {
          return emptyRange(false);
        }
        return d >= TWO_63 ? all() : longs(false, Long.MIN_VALUE, (long) Math.ceil(d) - 1);
      case LE:
        if (d < -TWO_63) {
          return emptyRange(false);
        }
        return d >= TWO_63 ? all() : longs(false, Long.MIN_VALUE, (long) Math.floor(d));
      case GT: // smallest long > d is floor(d) + 1
        if (d >= TWO_63) {
          return emptyRange(false);
        }
        return d < -TWO_63 ? all() : longs(false, (long) Math.floor(d) + 1, Long.MAX_VALUE);
      case GE:
        if (d >= TWO_63) {
          return emptyRange(false);
        }
        return d <= -TWO_63 ? all() : longs(false, (long) Math.ceil(d), Long.MAX_VALUE);
      default:
        throw new IllegalStateException("Unhandled operator " + op);
    }
  }

  /**
   * The range for a floating-point column, or null when {@code c} is a long that a double cannot hold exactly (the
   * caller then compares row by row with {@link Comparisons}).
   */
  @Nullable
  static NumericRange forDoubles(CompareOp op, Number c) {
    if (c instanceof Long && Math.abs(c.longValue()) > (1L << 53)) {
      return null;
    }
    double d = c.doubleValue();
    if (Double.isNaN(d)) {
      return emptyRange(op == CompareOp.NE);
    }
    switch (op) {
      case EQ:
        return doubles(false, d, d);
      case NE:
        return doubles(true, d, d);
      case LT:
        return d == Double.NEGATIVE_INFINITY ? emptyRange(false)
            : doubles(false, Double.NEGATIVE_INFINITY, Math.nextDown(d));
      case LE:
        return doubles(false, Double.NEGATIVE_INFINITY, d);
      case GT:
        return d == Double.POSITIVE_INFINITY ? emptyRange(false)
            : doubles(false, Math.nextUp(d), Double.POSITIVE_INFINITY);
      case GE:
        return doubles(false, d, Double.POSITIVE_INFINITY);
      default:
        throw new IllegalStateException("Unhandled operator " + op);
    }
  }

  boolean test(long v) {
    return (!empty && v >= lo && v <= hi) != negated;
  }

  boolean test(double v) {
    return (!empty && v >= dlo && v <= dhi) != negated;
  }

  private static NumericRange longs(boolean negated, long lo, long hi) {
    return new NumericRange(negated, false, lo, hi, lo, hi);
  }

  private static NumericRange doubles(boolean negated, double lo, double hi) {
    return new NumericRange(negated, false, 0, -1, lo, hi);
  }

  private static NumericRange emptyRange(boolean negated) {
    return new NumericRange(negated, true, 0, -1, 0, -1);
  }

  private static NumericRange all() {
    return longs(false, Long.MIN_VALUE, Long.MAX_VALUE);
  }
}
