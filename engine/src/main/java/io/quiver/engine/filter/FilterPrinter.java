package io.quiver.engine.filter;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Prints trees as filter syntax that parses back to an equal tree: parentheses only where precedence needs them (and
 * around an {@code and} inside an {@code or}, for the reader), strings double-quoted with escapes.
 */
final class FilterPrinter {
  private static final Pattern IDENTIFIER = Pattern.compile("\\$?[A-Za-z_][A-Za-z0-9_]*");

  private FilterPrinter() {}

  static String print(Filter f) {
    StringBuilder s = new StringBuilder();
    filter(s, f);
    return s.toString();
  }

  static String print(Operand o) {
    StringBuilder s = new StringBuilder();
    operand(s, o, 0);
    return s.toString();
  }

  private static void filter(StringBuilder s, Filter f) {
    if (f instanceof Filter.Or) {
      join(s, ((Filter.Or) f).children(), " or ", true);
    } else if (f instanceof Filter.And) {
      join(s, ((Filter.And) f).children(), " and ", false);
    } else if (f instanceof Filter.Not) {
      Filter c = ((Filter.Not) f).child();
      s.append("not ");
      boolean bare = c instanceof Filter.Constant || c instanceof Filter.Contains || c instanceof Filter.Not;
      wrap(s, c, !bare);
    } else if (f instanceof Filter.Compare) {
      Filter.Compare c = (Filter.Compare) f;
      operand(s, c.left(), 0);
      s.append(' ').append(c.op().symbol()).append(' ');
      operand(s, c.right(), 0);
    } else if (f instanceof Filter.In) {
      Filter.In in = (Filter.In) f;
      operand(s, in.value(), 0);
      s.append(in.negated() ? " not in " : " in ");
      value(s, in.values());
    } else if (f instanceof Filter.Like) {
      Filter.Like like = (Filter.Like) f;
      operand(s, like.value(), 0);
      s.append(" like ");
      string(s, like.pattern());
    } else if (f instanceof Filter.IsNull) {
      Filter.IsNull n = (Filter.IsNull) f;
      operand(s, n.value(), 0);
      s.append(n.negated() ? " is not null" : " is null");
    } else if (f instanceof Filter.Contains) {
      Filter.Contains c = (Filter.Contains) f;
      s.append(c.mode().function()).append('(');
      operand(s, c.value(), 0);
      s.append(", ");
      value(s, c.mode() == Filter.Contains.Mode.CONTAINS ? c.values().get(0) : c.values());
      s.append(')');
    } else if (f instanceof Filter.Constant) {
      s.append(((Filter.Constant) f).value());
    } else {
      throw new IllegalStateException("Unhandled filter " + f.getClass());
    }
  }

  private static void join(StringBuilder s, List<Filter> children, String sep, boolean inOr) {
    for (int i = 0; i < children.size(); i++) {
      if (i > 0) {
        s.append(sep);
      }
      Filter c = children.get(i);
      wrap(s, c, c instanceof Filter.Or || (inOr && c instanceof Filter.And));
    }
  }

  private static void wrap(StringBuilder s, Filter f, boolean parens) {
    if (parens) {
      s.append('(');
    }
    filter(s, f);
    if (parens) {
      s.append(')');
    }
  }

  /** Prints an operand whose context binds with {@code context} precedence (0: none, 1: + -, 2: * / %). */
  private static void operand(StringBuilder s, Operand o, int context) {
    if (o instanceof Operand.FieldRef) {
      Operand.FieldRef f = (Operand.FieldRef) o;
      if (IDENTIFIER.matcher(f.name()).matches()) {
        s.append(f.name());
      } else {
        // Only a dynamic field key can have such a name (declared fields are identifiers); say so in parsable text.
        s.append(io.quiver.engine.schema.CollectionSchema.DYNAMIC_FIELD).append('[');
        string(s, f.name());
        s.append(']');
      }
      for (Object step : f.path()) {
        s.append('[');
        value(s, step);
        s.append(']');
      }
    } else if (o instanceof Operand.Literal) {
      value(s, ((Operand.Literal) o).value());
    } else {
      Operand.Arith a = (Operand.Arith) o;
      int p = a.op().precedence();
      boolean parens = p < context;
      if (parens) {
        s.append('(');
      }
      operand(s, a.left(), p);
      s.append(' ').append(a.op().symbol()).append(' ');
      operand(s, a.right(), p + 1); // left-associative: a - (b - c) keeps its parentheses
      if (parens) {
        s.append(')');
      }
    }
  }

  static void value(StringBuilder s, Object v) {
    if (v instanceof String) {
      string(s, (String) v);
    } else if (v instanceof List) {
      s.append('[');
      List<?> list = (List<?>) v;
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          s.append(", ");
        }
        value(s, list.get(i));
      }
      s.append(']');
    } else {
      s.append(v);
    }
  }

  static void string(StringBuilder s, String v) {
    s.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"':
          s.append("\\\"");
          break;
        case '\\':
          s.append("\\\\");
          break;
        case '\n':
          s.append("\\n");
          break;
        case '\r':
          s.append("\\r");
          break;
        case '\t':
          s.append("\\t");
          break;
        default:
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
      }
    }
    s.append('"');
  }
}
