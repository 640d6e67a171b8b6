package io.quiver.engine.filter;

import io.quiver.engine.schema.CollectionSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A boolean filter expression: Quiver's one predicate tree, whether parsed from Milvus syntax ({@link Filters#parse})
 * or built in code by an adapter ({@link Filters#eq}, ...). Immutable and serializable, so Spark and Flink can ship it
 * to tasks; {@link #toString()} prints filter syntax that parses back to an equal tree.
 *
 * <p>A tree refers to fields by name only; {@link #bind(CollectionSchema)} resolves them against a schema, checks types
 * and returns the {@link BoundFilter} that evaluates. See the package documentation for grammar and semantics.
 */
public sealed interface Filter extends Serializable
    permits Filter.And, Filter.Or, Filter.Not, Filter.Compare, Filter.In, Filter.Like, Filter.IsNull, Filter.Contains,
        Filter.Constant {

  /**
   * Resolves fields against {@code schema} and checks types.
   *
   * @throws FilterException naming the field and the reason: unknown field, vector field, operator that does not fit
   *     the field's type
   */
  default BoundFilter bind(CollectionSchema schema) {
    return Binder.bind(this, schema, null);
  }

  /** All children hold. Nested {@code And}s are flattened; at least two children. */
  record And(List<Filter> children) implements Filter {
    public And {
      children = flatten(children, And.class);
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** Any child holds. Nested {@code Or}s are flattened; at least two children. */
  record Or(List<Filter> children) implements Filter {
    public Or {
      children = flatten(children, Or.class);
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** The child does not hold (UNKNOWN stays UNKNOWN). */
  record Not(Filter child) implements Filter {
    public Not {
      Objects.requireNonNull(child, "child");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code left op right}. */
  record Compare(Operand left, CompareOp op, Operand right) implements Filter {
    public Compare {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code value in [values]}, or {@code not in} when {@code negated}. Values are canonical scalars. */
  record In(Operand value, List<Object> values, boolean negated) implements Filter {
    public In {
      Objects.requireNonNull(value, "value");
      values = List.copyOf(values);
      for (Object v : values) {
        if (!Literals.isCanonical(v, false)) {
          throw new IllegalArgumentException("An 'in' list holds numbers, strings or booleans, not " + v);
        }
      }
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code value like pattern}; see the package documentation for the pattern syntax. */
  record Like(Operand value, String pattern) implements Filter {
    public Like {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code value is null}, or {@code is not null} when {@code negated}. Never UNKNOWN. */
  record IsNull(Operand value, boolean negated) implements Filter {
    public IsNull {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /**
   * {@code json_contains(value, v)}, {@code json_contains_all(value, [..])}, {@code json_contains_any(value, [..])}
   * (and the {@code array_contains*} spellings) on a JSON array. {@code CONTAINS} has exactly one value, which may
   * itself be a list (an array element that is an array).
   */
  record Contains(Operand value, Mode mode, List<Object> values) implements Filter {
    /** Which function. */
    public enum Mode {
      CONTAINS("json_contains"),
      CONTAINS_ALL("json_contains_all"),
      CONTAINS_ANY("json_contains_any");

      private final String function;

      Mode(String function) {
        this.function = function;
      }

      /** The function name as printed. */
      public String function() {
        return function;
      }
    }

    public Contains {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(mode, "mode");
      values = List.copyOf(values);
      if (mode == Mode.CONTAINS && values.size() != 1) {
        throw new IllegalArgumentException("json_contains takes exactly one value, got " + values);
      }
      for (Object v : values) {
        if (!Literals.isCanonical(v, true)) {
          throw new IllegalArgumentException(mode.function() + " takes numbers, strings, booleans or lists, not " + v);
        }
      }
    }

    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  /** {@code true} or {@code false}. */
  record Constant(boolean value) implements Filter {
    @Override
    public String toString() {
      return FilterPrinter.print(this);
    }
  }

  private static List<Filter> flatten(List<Filter> children, Class<? extends Filter> kind) {
    List<Filter> out = new ArrayList<>(children.size());
    for (Filter c : children) {
      Objects.requireNonNull(c, "child");
      if (kind.isInstance(c)) {
        out.addAll(c instanceof And ? ((And) c).children() : ((Or) c).children());
      } else {
        out.add(c);
      }
    }
    if (out.size() < 2) {
      throw new IllegalArgumentException(kind.getSimpleName() + " needs at least two children; use Filters."
          + kind.getSimpleName().toLowerCase(java.util.Locale.ROOT) + "(...) for any number");
    }
    return List.copyOf(out);
  }
}
