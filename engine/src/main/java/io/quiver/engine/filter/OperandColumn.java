package io.quiver.engine.filter;

import java.util.BitSet;
import javax.annotation.Nullable;

/**
 * An operand evaluated for every row of a segment: {@code long[]} or {@code double[]} plus a null mask for typed
 * numbers (so arithmetic and comparisons run as primitive loops), canonical objects otherwise (strings, booleans, JSON
 * values). A constant is one value for all rows.
 */
final class OperandColumn {
  static final int LONG = 0;
  static final int DOUBLE = 1;
  static final int OBJECT = 2;

  final int kind;
  private final boolean constant;
  @Nullable private final long[] longs;
  @Nullable private final double[] doubles;
  @Nullable private final Object[] objects;
  @Nullable private final BitSet nulls;

  private OperandColumn(int kind, boolean constant, long[] longs, double[] doubles, Object[] objects, BitSet nulls) {
    this.kind = kind;
    this.constant = constant;
    this.longs = longs;
    this.doubles = doubles;
    this.objects = objects;
    this.nulls = nulls;
  }

  static OperandColumn ofLongs(long[] values, BitSet nulls) {
    return new OperandColumn(LONG, false, values, null, null, nulls);
  }

  static OperandColumn ofDoubles(double[] values, BitSet nulls) {
    return new OperandColumn(DOUBLE, false, null, values, null, nulls);
  }

  static OperandColumn ofObjects(Object[] values) {
    return new OperandColumn(OBJECT, false, null, null, values, null);
  }

  /** The same canonical value (or null) for every row. */
  static OperandColumn constant(@Nullable Object value) {
    if (value instanceof Long) {
      return new OperandColumn(LONG, true, new long[] {(Long) value}, null, null, new BitSet());
    }
    if (value instanceof Double) {
      return new OperandColumn(DOUBLE, true, null, new double[] {(Double) value}, null, new BitSet());
    }
    return new OperandColumn(OBJECT, true, null, null, new Object[] {value}, null);
  }

  boolean isNull(int row) {
    int i = constant ? 0 : row;
    return kind == OBJECT ? objects[i] == null : nulls.get(i);
  }

  long getLong(int row) {
    return longs[constant ? 0 : row];
  }

  /** The value as a double; for LONG columns the same widening {@link ArithOp#apply} uses. */
  double getDouble(int row) {
    int i = constant ? 0 : row;
    return kind == LONG ? (double) longs[i] : doubles[i];
  }

  /** The canonical value (boxed), or null. */
  @Nullable
  Object get(int row) {
    if (isNull(row)) {
      return null;
    }
    int i = constant ? 0 : row;
    return kind == LONG ? (Object) longs[i] : kind == DOUBLE ? (Object) doubles[i] : objects[i];
  }
}
