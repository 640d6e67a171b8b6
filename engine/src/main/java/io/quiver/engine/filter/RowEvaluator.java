package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Evaluates a bound filter on one row with Kleene three-valued logic (null = UNKNOWN). Uses the same comparison,
 * arithmetic, set, pattern and JSON code as {@link ColumnEvaluator}; each JSON column of the row is parsed at most once.
 */
final class RowEvaluator {
  /** The row's top-level values by column name: typed field values, JSON text or maps for JSON columns. */
  interface Values {
    @Nullable
    Object get(String column);
  }

  private final BoundFilter filter;
  private final Values values;
  private final Map<String, JsonNode> parsed = new HashMap<>();

  RowEvaluator(BoundFilter filter, Values values) {
    this.filter = filter;
    this.values = values;
  }

  @Nullable
  Boolean eval(Filter f) {
    if (f instanceof Filter.And || f instanceof Filter.Or) {
      boolean and = f instanceof Filter.And;
      Boolean result = and;
      for (Filter c : and ? ((Filter.And) f).children() : ((Filter.Or) f).children()) {
        Boolean v = eval(c);
        if (v == null) {
          result = null;
        } else if (v != and) {
          return v; // FALSE decides an 'and', TRUE an 'or', whatever UNKNOWNs came before
        }
      }
      return result;
    }
    if (f instanceof Filter.Not) {
      Boolean v = eval(((Filter.Not) f).child());
      return v == null ? null : !v;
    }
    if (f instanceof Filter.Compare) {
      Filter.Compare c = (Filter.Compare) f;
      return Comparisons.compare(c.op(), value(c.left()), value(c.right()));
    }
    if (f instanceof Filter.In) {
      Filter.In in = (Filter.In) f;
      Boolean v = filter.<ValueSet>prepared(f).contains(value(in.value()));
      return v == null ? null : v != in.negated();
    }
    if (f instanceof Filter.Like) {
      return filter.<LikePattern>prepared(f).test(value(((Filter.Like) f).value()));
    }
    if (f instanceof Filter.IsNull) {
      Filter.IsNull n = (Filter.IsNull) f;
      return (value(n.value()) == null) != n.negated();
    }
    if (f instanceof Filter.Contains) {
      Filter.Contains c = (Filter.Contains) f;
      return JsonValues.contains(c.mode(), value(c.value()), c.values(), filter.prepared(f));
    }
    return ((Filter.Constant) f).value();
  }

  @Nullable
  private Object value(Operand o) {
    if (o instanceof Operand.Literal) {
      return ((Operand.Literal) o).value();
    }
    if (o instanceof Operand.Arith) {
      Operand.Arith a = (Operand.Arith) o;
      return a.op().apply(value(a.left()), value(a.right()));
    }
    Operand.FieldRef ref = (Operand.FieldRef) o;
    if (!filter.isJson(ref)) {
      return Comparisons.canonical(values.get(ref.name()));
    }
    JsonNode root = parsed.computeIfAbsent(ref.name(), name -> {
      JsonNode node = JsonValues.fromJava(values.get(name));
      return node == null ? NullNode.getInstance() : node;
    });
    return JsonValues.extract(root, ref.path());
  }
}
