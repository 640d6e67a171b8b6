package io.quiver.engine.filter;

import javax.annotation.Nullable;

/**
 * An arithmetic operator on numbers. Integral operands give a 64-bit integral result with Java's wrap-around,
 * truncating {@code /} and sign-of-dividend {@code %}; any floating-point operand makes the operation {@code double}.
 * Division or remainder by zero gives null (UNKNOWN), never an exception or an infinity.
 */
public enum ArithOp {
  ADD("+", 1),
  SUB("-", 1),
  MUL("*", 2),
  DIV("/", 2),
  MOD("%", 2);

  private final String symbol;
  private final int precedence;

  ArithOp(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  public String symbol() {
    return symbol;
  }

  /** 1 for {@code + -}, 2 for {@code * / %}. */
  int precedence() {
    return precedence;
  }

  /** True when {@code b} as divisor makes the result null. */
  boolean undefinedForLong(long b) {
    return b == 0 && (this == DIV || this == MOD);
  }

  boolean undefinedForDouble(double b) {
    return b == 0 && (this == DIV || this == MOD);
  }

  /** The integral result; the caller has checked {@link #undefinedForLong}. */
  long applyLong(long a, long b) {
    switch (this) {
      case ADD:
        return a + b;
      case SUB:
        return a - b;
      case MUL:
        return a * b;
      case DIV:
        return a / b;
      case MOD:
        return a % b;
      default:
        throw new IllegalStateException("Unhandled operator " + this);
    }
  }

  /** The floating-point result; the caller has checked {@link #undefinedForDouble}. */
  double applyDouble(double a, double b) {
    switch (this) {
      case ADD:
        return a + b;
      case SUB:
        return a - b;
      case MUL:
        return a * b;
      case DIV:
        return a / b;
      case MOD:
        return a % b;
      default:
        throw new IllegalStateException("Unhandled operator " + this);
    }
  }

  /**
   * Applies the operator to two values in canonical form ({@code Long} or {@code Double}); null when either is null or
   * not a number (a JSON string, say), or when dividing by zero. The one definition the row evaluator, the JSON path of
   * the column evaluator and constant folding share; typed column loops use {@link #applyLong}/{@link #applyDouble}
   * with the same rules.
   */
  @Nullable
  Object apply(@Nullable Object a, @Nullable Object b) {
    if (!(a instanceof Long || a instanceof Double) || !(b instanceof Long || b instanceof Double)) {
      return null;
    }
    if (a instanceof Long && b instanceof Long) {
      long y = (Long) b;
      return undefinedForLong(y) ? null : applyLong((Long) a, y);
    }
    double y = ((Number) b).doubleValue();
    return undefinedForDouble(y) ? null : applyDouble(((Number) a).doubleValue(), y);
  }
}
