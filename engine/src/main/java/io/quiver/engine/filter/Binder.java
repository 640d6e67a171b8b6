package io.quiver.engine.filter;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Resolves a filter against a schema and checks its types, producing the canonical bound tree the evaluators rely on:
 * undeclared names become {@code $meta} paths, constants sit right of comparisons, FLOAT comparisons use
 * float-rounded constants, constant sub-expressions are folded and {@code and}/{@code or} with constants simplified.
 */
final class Binder {
  /** Static type of an operand. */
  enum VType { BOOL, INT, FLOAT32, FLOAT64, STRING, JSON }

  private final CollectionSchema schema;
  @Nullable private final FilterParser.Source source;
  private final Filter original;

  private Binder(Filter original, CollectionSchema schema, @Nullable FilterParser.Source source) {
    this.original = original;
    this.schema = schema;
    this.source = source;
  }

  static BoundFilter bind(Filter filter, CollectionSchema schema, @Nullable FilterParser.Source source) {
    Binder b = new Binder(filter, schema, source);
    return new BoundFilter(b.filter(filter), schema);
  }

  private Filter filter(Filter f) {
    if (f instanceof Filter.And || f instanceof Filter.Or) {
      boolean and = f instanceof Filter.And;
      List<Filter> children = and ? ((Filter.And) f).children() : ((Filter.Or) f).children();
      List<Filter> bound = new ArrayList<>();
      for (Filter c : children) {
        bound.add(filter(c)); // every child is checked, even after a constant decides the result
      }
      List<Filter> out = new ArrayList<>();
      for (Filter b : bound) {
        if (b instanceof Filter.Constant) {
          if (((Filter.Constant) b).value() != and) {
            return b; // false in an 'and', true in an 'or'
          }
          continue;
        }
        out.add(b);
      }
      return out.isEmpty() ? new Filter.Constant(and) : out.size() == 1 ? out.get(0)
          : and ? new Filter.And(out) : new Filter.Or(out);
    }
    if (f instanceof Filter.Not) {
      Filter c = filter(((Filter.Not) f).child());
      return c instanceof Filter.Constant ? new Filter.Constant(!((Filter.Constant) c).value()) : new Filter.Not(c);
    }
    if (f instanceof Filter.Compare) {
      return compare((Filter.Compare) f);
    }
    if (f instanceof Filter.In) {
      return in((Filter.In) f);
    }
    if (f instanceof Filter.Like) {
      Filter.Like like = (Filter.Like) f;
      Operand v = operand(like.value());
      VType t = type(v);
      if (t != VType.STRING && t != VType.JSON) {
        throw fail(f, fieldName(v), "'like' needs a VARCHAR field or a JSON value, but " + describe(v) + " is not a string");
      }
      try {
        LikePattern.compile(like.pattern());
      } catch (IllegalArgumentException e) {
        throw fail(f, fieldName(v), e.getMessage());
      }
      return new Filter.Like(v, like.pattern());
    }
    if (f instanceof Filter.IsNull) {
      Operand v = operand(((Filter.IsNull) f).value());
      if (!(v instanceof Operand.FieldRef)) {
        throw fail(f, fieldName(v), "'is null' applies to a field or a JSON path, not " + describe(v));
      }
      return new Filter.IsNull(v, ((Filter.IsNull) f).negated());
    }
    if (f instanceof Filter.Contains) {
      Filter.Contains c = (Filter.Contains) f;
      Operand v = operand(c.value());
      if (!(v instanceof Operand.FieldRef) || type(v) != VType.JSON) {
        throw fail(f, fieldName(v), c.mode().function() + " needs a JSON field or a path into one, but got "
            + describe(v));
      }
      return new Filter.Contains(v, c.mode(), c.values());
    }
    return f;
  }

  private Filter compare(Filter.Compare c) {
    Operand l = operand(c.left());
    Operand r = operand(c.right());
    CompareOp op = c.op();
    VType tl = type(l);
    VType tr = type(r);
    if (tl == VType.JSON || tr == VType.JSON) {
      VType other = tl == VType.JSON ? tr : tl;
      if (other == VType.BOOL && op.isOrdering()) {
        throw fail(c, fieldName(l, r), "booleans support only == and !=, not '" + op.symbol() + "'");
      }
    } else if (tl == VType.BOOL && tr == VType.BOOL) {
      if (op.isOrdering()) {
        Operand b = l instanceof Operand.Literal ? r : l;
        throw fail(c, fieldName(l, r), describe(b) + " supports only == and !=, not '" + op.symbol() + "'");
      }
    } else if (!(isNumeric(tl) && isNumeric(tr)) && !(tl == VType.STRING && tr == VType.STRING)) {
      if (source != null && source.implicitTrue().contains(c.right())) {
        throw fail(c, fieldName(l), describe(l) + " is used as a condition on its own, which only a BOOL field can be");
      }
      throw fail(c, fieldName(l, r), describe(l) + " cannot be compared with " + describe(r));
    }
    if (l instanceof Operand.Literal && r instanceof Operand.Literal) {
      Boolean b = Comparisons.compare(op, ((Operand.Literal) l).value(), ((Operand.Literal) r).value());
      return new Filter.Constant(Boolean.TRUE.equals(b));
    }
    if (l instanceof Operand.Literal) {
      Operand t = l;
      l = r;
      r = t;
      op = op.flip();
      tl = tr;
    }
    if (r instanceof Operand.Literal) {
      r = new Operand.Literal(coerce(((Operand.Literal) r).value(), tl));
    }
    return new Filter.Compare(l, op, r);
  }

  private Filter in(Filter.In in) {
    Operand v = operand(in.value());
    VType t = type(v);
    List<Object> values = in.values();
    if (t != VType.JSON) {
      Object first = null;
      for (Object x : values) {
        if (first != null && !Literals.kind(x).equals(Literals.kind(first))) {
          throw fail(in, fieldName(v), "the 'in' list mixes incompatible types: " + describe(new Operand.Literal(first))
              + " and " + describe(new Operand.Literal(x)));
        }
        first = first == null ? x : first;
      }
      if (first != null && !(isNumeric(t) ? first instanceof Number
          : t == VType.STRING ? first instanceof String : t == VType.BOOL && first instanceof Boolean)) {
        throw fail(in, fieldName(v), describe(v) + " cannot be compared with " + describe(new Operand.Literal(first))
            + " in the 'in' list");
      }
    }
    List<Object> coerced = new ArrayList<>(values.size());
    for (Object x : values) {
      coerced.add(coerce(x, t));
    }
    return new Filter.In(v, coerced, in.negated());
  }

  /** FLOAT fields compare in float precision: {@code price == 0.1} means the float nearest 0.1. */
  private static Object coerce(Object literal, VType target) {
    if (target == VType.FLOAT32 && literal instanceof Number) {
      float f = ((Number) literal).floatValue();
      return Float.isFinite(f) ? (Object) (double) f : literal;
    }
    return literal;
  }

  private Operand operand(Operand o) {
    if (o instanceof Operand.FieldRef) {
      return resolve((Operand.FieldRef) o);
    }
    if (o instanceof Operand.Literal) {
      return o;
    }
    Operand.Arith a = (Operand.Arith) o;
    Operand l = operand(a.left());
    Operand r = operand(a.right());
    for (Operand x : new Operand[] {l, r}) {
      VType t = type(x);
      if (!isNumeric(t) && t != VType.JSON) {
        throw fail(a, fieldName(x), "arithmetic '" + a.op().symbol() + "' needs numbers, but " + describe(x) + " is not");
      }
      if (a.op() == ArithOp.MOD && (t == VType.FLOAT32 || t == VType.FLOAT64)) {
        throw fail(a, fieldName(x), "'%' needs integers, but " + describe(x) + " is floating-point");
      }
    }
    if (r instanceof Operand.Literal && (a.op() == ArithOp.DIV || a.op() == ArithOp.MOD)
        && ((Number) ((Operand.Literal) r).value()).doubleValue() == 0) {
      throw fail(a, fieldName(l), "division by zero");
    }
    if (l instanceof Operand.Literal && r instanceof Operand.Literal) {
      Object v = a.op().apply(((Operand.Literal) l).value(), ((Operand.Literal) r).value());
      if (!(v instanceof Long) && !(v instanceof Double && Double.isFinite((Double) v))) {
        throw fail(a, FilterException.FILTER, "constant arithmetic '" + a + "' has no finite result");
      }
      return new Operand.Literal(v);
    }
    return new Operand.Arith(l, a.op(), r);
  }

  private Operand.FieldRef resolve(Operand.FieldRef ref) {
    String name = ref.name();
    if (CollectionSchema.DYNAMIC_FIELD.equals(name)) {
      if (!schema.dynamicField()) {
        throw fail(ref, name, "the schema has no dynamic field, so " + name + " does not exist");
      }
      return ref;
    }
    FieldSchema f = schema.field(name);
    if (f != null) {
      if (f.type().isVector()) {
        throw fail(ref, name, "field '" + name + "' is " + f.typeString() + "; vector fields cannot be filtered on");
      }
      if (!ref.path().isEmpty() && f.type() != DataType.JSON) {
        throw fail(ref, name, "field '" + name + "' is " + f.typeString() + "; only JSON fields take a path like " + ref);
      }
      return ref;
    }
    if (schema.dynamicField()) {
      List<Object> path = new ArrayList<>();
      path.add(name);
      path.addAll(ref.path());
      return new Operand.FieldRef(CollectionSchema.DYNAMIC_FIELD, path);
    }
    String hint = "";
    for (String known : schema.fieldNames()) {
      if (known.equalsIgnoreCase(name)) {
        hint = " (field names are case-sensitive: did you mean '" + known + "'?)";
      }
    }
    throw fail(ref, name, "unknown field '" + name + "'" + hint + "; the schema has " + schema.fieldNames()
        + " and no dynamic field");
  }

  /** The static type of a bound operand. */
  VType type(Operand o) {
    if (o instanceof Operand.FieldRef) {
      Operand.FieldRef f = (Operand.FieldRef) o;
      FieldSchema field = schema.field(f.name());
      if (field == null || !f.path().isEmpty()) {
        return VType.JSON;
      }
      switch (field.type()) {
        case BOOL:
          return VType.BOOL;
        case INT32:
        case INT64:
          return VType.INT;
        case FLOAT:
          return VType.FLOAT32;
        case DOUBLE:
          return VType.FLOAT64;
        case VARCHAR:
          return VType.STRING;
        default:
          return VType.JSON;
      }
    }
    if (o instanceof Operand.Literal) {
      Object v = ((Operand.Literal) o).value();
      return v instanceof Long ? VType.INT : v instanceof Double ? VType.FLOAT64 : v instanceof String ? VType.STRING
          : VType.BOOL;
    }
    Operand.Arith a = (Operand.Arith) o;
    VType l = type(a.left());
    VType r = type(a.right());
    return l == VType.JSON || r == VType.JSON ? VType.JSON : l == VType.INT && r == VType.INT ? VType.INT
        : VType.FLOAT64;
  }

  private static boolean isNumeric(VType t) {
    return t == VType.INT || t == VType.FLOAT32 || t == VType.FLOAT64;
  }

  /** "field 'age' (INT64)", "dynamic key 'color'", "the string "a"", ... for messages. */
  private String describe(Operand o) {
    if (o instanceof Operand.FieldRef) {
      Operand.FieldRef f = (Operand.FieldRef) o;
      if (CollectionSchema.DYNAMIC_FIELD.equals(f.name()) && !f.path().isEmpty() && f.path().get(0) instanceof String) {
        return "dynamic field key '" + new Operand.FieldRef((String) f.path().get(0), f.path().subList(1, f.path().size()))
            + "'";
      }
      FieldSchema field = schema.field(f.name());
      return f.path().isEmpty() && field != null ? "field '" + f.name() + "' (" + field.typeString() + ")"
          : "JSON value '" + f + "'";
    }
    if (o instanceof Operand.Literal) {
      Object v = ((Operand.Literal) o).value();
      return "the " + Literals.kind(v) + " " + o;
    }
    return "the arithmetic '" + o + "'";
  }

  /** The field an error is about: the first field (dynamic keys by their own name) or "filter". */
  private static String fieldName(Operand... operands) {
    for (Operand o : operands) {
      Set<Operand.FieldRef> refs = new LinkedHashSet<>();
      collect(o, refs);
      for (Operand.FieldRef f : refs) {
        if (CollectionSchema.DYNAMIC_FIELD.equals(f.name()) && !f.path().isEmpty() && f.path().get(0) instanceof String) {
          return (String) f.path().get(0);
        }
        return f.name();
      }
    }
    return FilterException.FILTER;
  }

  private static void collect(Operand o, Set<Operand.FieldRef> out) {
    if (o instanceof Operand.FieldRef) {
      out.add((Operand.FieldRef) o);
    } else if (o instanceof Operand.Arith) {
      collect(((Operand.Arith) o).left(), out);
      collect(((Operand.Arith) o).right(), out);
    }
  }

  private FilterException fail(Object node, String field, String reason) {
    if (source == null) {
      return FilterException.invalid(field, original.toString(), -1, reason);
    }
    return FilterException.invalid(field, source.text(), source.position(node), reason);
  }
}
