package io.quiver.engine.filter;

/**
 * A comparison operator. {@link #test(int)} turns a three-way comparison into the answer, so every evaluator (column,
 * row, stats) shares one definition of each operator.
 */
public enum CompareOp {
  EQ("=="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">=");

  private final String symbol;

  CompareOp(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in a filter: {@code ==}, {@code <=}, ... */
  public String symbol() {
    return symbol;
  }

  /** True for {@code < <= > >=}, which need ordered operands. */
  public boolean isOrdering() {
    return this != EQ && this != NE;
  }

  /** The operator with its operands swapped: {@code a < b} is {@code b > a}. */
  public CompareOp flip() {
    switch (this) {
      case LT:
        return GT;
      case LE:
        return GE;
      case GT:
        return LT;
      case GE:
        return LE;
      default:
        return this;
    }
  }

  /**
   * The complement: {@code not (a < b)} is {@code a >= b}. Exact under three-valued logic for non-NaN operands (an
   * UNKNOWN stays UNKNOWN on both sides); with IEEE NaN the two differ, so only the stats pruner uses it, and it never
   * prunes floating-point {@code !=}.
   */
  public CompareOp negate() {
    switch (this) {
      case EQ:
        return NE;
      case NE:
        return EQ;
      case LT:
        return GE;
      case LE:
        return GT;
      case GT:
        return LE;
      case GE:
        return LT;
      default:
        throw new IllegalStateException("Unhandled operator " + this);
    }
  }

  /** Applies the operator to the sign of a three-way comparison ({@code cmp < 0} means left is smaller). */
  public boolean test(int cmp) {
    switch (this) {
      case EQ:
        return cmp == 0;
      case NE:
        return cmp != 0;
      case LT:
        return cmp < 0;
      case LE:
        return cmp <= 0;
      case GT:
        return cmp > 0;
      case GE:
        return cmp >= 0;
      default:
        throw new IllegalStateException("Unhandled operator " + this);
    }
  }

  /** Parses a symbol ({@code "=="}, {@code ">="}, ...). */
  static CompareOp fromSymbol(String symbol) {
    for (CompareOp op : values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    throw new IllegalArgumentException("Unknown comparison operator " + symbol);
  }
}
