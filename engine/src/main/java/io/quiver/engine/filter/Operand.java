package io.quiver.engine.filter;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A value inside a filter: a field (optionally with a JSON path), a constant, or arithmetic on those. Immutable and
 * serializable; {@link #toString()} prints filter syntax that parses back to an equal operand.
 */
public sealed interface Operand extends Serializable permits Operand.FieldRef, Operand.Literal, Operand.Arith {

  /**
   * A field, or a value inside a JSON field: {@code meta["a"][0]} is {@code FieldRef("meta", ["a", 0])}. Path steps are
   * {@code String} keys or non-negative {@code Integer} indexes. Before binding, {@code name} is what the user wrote; a
   * bound filter refers to undeclared keys of a dynamic schema as {@code $meta["key"]...}.
   */
  record FieldRef(String name, List<Object> path) implements Operand {
    public FieldRef {
      Objects.requireNonNull(name, "name");
      path = List.copyOf(path);
      for (Object step : path) {
        if (!(step instanceof String) && !(step instanceof Integer && (Integer) step >= 0)) {
          throw new IllegalArgumentException("A JSON path step is a key or a non-negative index, not " + step);
        }
      }
    }

    public FieldRef(String name) {
      this(name, List.of());
    }

    /** This reference extended by one more path step. */
    public FieldRef then(Object step) {
      List<Object> p = new java.util.ArrayList<>(path);
      p.add(step);
      return new FieldRef(name, p);
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** A constant: {@code Long}, finite {@code Double}, {@code String} or {@code Boolean}. */
  record Literal(Object value) implements Operand {
    public Literal {
      if (value == null || !Literals.isCanonical(value, false)) {
        throw new IllegalArgumentException("A literal is a Long, finite Double, String or Boolean, not " + value
            + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")"));
      }
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code left op right} on numbers. */
  record Arith(Operand left, ArithOp op, Operand right) implements Operand {
    public Arith {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }
}
