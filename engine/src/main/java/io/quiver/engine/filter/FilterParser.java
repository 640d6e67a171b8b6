package io.quiver.engine.filter;

import io.quiver.engine.filter.Lexer.Kind;
import io.quiver.engine.filter.Lexer.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Recursive-descent parser for Milvus filter expressions; the grammar is in the package documentation. Produces an
 * unbound {@link Filter} plus a {@link Source} that remembers where each node came from, so that the binder's type
 * errors can point at the text. Literal arithmetic is folded ({@code 2 * 3} becomes {@code 6}) and template parameters
 * are substituted here.
 */
final class FilterParser {
  /** The text a tree was parsed from and the position of each node (by identity). */
  record Source(String text, Map<Object, Integer> positions, Set<Object> implicitTrue) {
    int position(Object node) {
      Integer p = positions.get(node);
      return p == null ? -1 : p;
    }
  }

  /** A parsed filter and its source. */
  record Parsed(Filter filter, Source source) {}

  /** A list constant; only valid after {@code in} and as a function argument. */
  private record ListValue(List<Object> values) {}

  private final String text;
  private final List<Token> tokens;
  private final Map<String, ?> params;
  private final Map<Object, Integer> positions = new IdentityHashMap<>();
  private final Set<Object> implicitTrue = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Object> parenthesized = Collections.newSetFromMap(new IdentityHashMap<>());
  private int i;

  private FilterParser(String text, Map<String, ?> params) {
    this.text = text;
    this.tokens = Lexer.tokenize(text);
    this.params = params;
  }

  /** Parses {@code text}; a blank filter is {@code true}. */
  static Parsed parse(String text, Map<String, ?> params) {
    FilterParser p = new FilterParser(text, params);
    Filter f = p.parseAll();
    return new Parsed(f, new Source(text, p.positions, p.implicitTrue));
  }

  private Filter parseAll() {
    if (peek().kind() == Kind.EOF) {
      return new Filter.Constant(true);
    }
    int start = peek().pos();
    Object node = or();
    Token t = peek();
    if (t.kind() == Kind.RPAREN) {
      throw error(t, "unexpected ')' without a matching '('");
    }
    if (t.kind() != Kind.EOF) {
      throw error(t, "unexpected '" + t.text() + "' after '" + tokens.get(i - 1).text()
          + "'; expected an operator, 'and', 'or' or the end of the filter");
    }
    return condition(node, start);
  }

  private Object or() {
    int start = peek().pos();
    Object first = and();
    if (peek().kind() != Kind.OR) {
      return first;
    }
    List<Filter> children = new ArrayList<>();
    children.add(condition(first, start));
    while (accept(Kind.OR)) {
      int pos = peek().pos();
      children.add(condition(and(), pos));
    }
    return mark(new Filter.Or(children), start);
  }

  private Object and() {
    int start = peek().pos();
    Object first = predicate();
    if (peek().kind() != Kind.AND) {
      return first;
    }
    List<Filter> children = new ArrayList<>();
    children.add(condition(first, start));
    while (accept(Kind.AND)) {
      int pos = peek().pos();
      children.add(condition(predicate(), pos));
    }
    return mark(new Filter.And(children), start);
  }

  private Object predicate() {
    int start = peek().pos();
    Object left = additive();
    Token t = peek();
    switch (t.kind()) {
      case IN:
        next();
        return in(left, start, false, t);
      case NOT:
        if (peekAt(1).kind() != Kind.IN) {
          return left;
        }
        next();
        next();
        return in(left, start, true, t);
      case LIKE: {
        next();
        Operand value = valueBefore(left, start, t);
        Token p = next();
        Object pattern = p.kind() == Kind.PARAM ? param(p) : p.kind() == Kind.STRING ? p.value() : null;
        if (!(pattern instanceof String)) {
          throw error(p, "expected a quoted pattern after 'like'");
        }
        return mark(new Filter.Like(value, (String) pattern), t.pos());
      }
      case IS: {
        next();
        Operand value = valueBefore(left, start, t);
        boolean negated = accept(Kind.NOT);
        if (!accept(Kind.NULL)) {
          throw error(peek(), "expected 'null' or 'not null' after 'is'");
        }
        if (!(value instanceof Operand.FieldRef)) {
          throw error(start, "'is null' applies to a field or a JSON path, not " + value);
        }
        return mark(new Filter.IsNull(value, negated), t.pos());
      }
      case EQ: case NE: case LT: case LE: case GT: case GE:
        return comparison(left, start);
      default:
        return left;
    }
  }

  private Object comparison(Object left, int start) {
    Token op1 = next();
    int midPos = peek().pos();
    Object mid = additive();
    if (left instanceof Filter || mid instanceof Filter) {
      return conditionComparison(left, start, op1, mid, midPos);
    }
    Filter first = mark(new Filter.Compare(operand(left, start), op(op1), operand(mid, midPos)), op1.pos());
    if (!isComparison(peek().kind())) {
      return first;
    }
    Token op2 = next();
    int rightPos = peek().pos();
    Object right = additive();
    boolean up = isUp(op1.kind()) && isUp(op2.kind());
    boolean down = isDown(op1.kind()) && isDown(op2.kind());
    if (!up && !down) {
      throw error(op2, "a chained comparison must go one way, like 1 < x <= 5 or 5 > x >= 1");
    }
    Filter second = mark(new Filter.Compare(operand(mid, midPos), op(op2), operand(right, rightPos)), op2.pos());
    return mark(new Filter.And(List.of(first, second)), start);
  }

  /** {@code (a > 1) == true}: a condition compared with a boolean constant is the condition or its negation. */
  private Filter conditionComparison(Object left, int start, Token op, Object right, int rightPos) {
    if (left instanceof Filter.Not && !parenthesized.contains(left)) {
      throw error(start, "'not' applies only to the value right after it (Milvus precedence); put the comparison in"
          + " parentheses: not (... " + op.text() + " ...)");
    }
    boolean eq = op.kind() == Kind.EQ;
    if ((eq || op.kind() == Kind.NE)) {
      Object cond = left instanceof Filter ? left : right;
      Object other = left instanceof Filter ? right : left;
      if (other instanceof Operand.Literal && ((Operand.Literal) other).value() instanceof Boolean) {
        boolean keep = eq == (Boolean) ((Operand.Literal) other).value();
        Filter c = (Filter) cond;
        return keep ? c : mark(new Filter.Not(c), op.pos());
      }
    }
    throw error(op, "cannot compare a condition with '" + op.text() + "' except '== true' or '== false'");
  }

  private Filter in(Object left, int start, boolean negated, Token op) {
    Operand value = valueBefore(left, start, op);
    int listPos = peek().pos();
    List<Object> values = listArgument(false, "'" + (negated ? "not in" : "in") + "'");
    return mark(new Filter.In(value, values, negated), listPos);
  }

  /** The value left of {@code in}/{@code like}/{@code is}; refuses conditions with a hint about {@code not}. */
  private Operand valueBefore(Object left, int start, Token op) {
    if (left instanceof Filter.Not && !parenthesized.contains(left)) {
      throw error(start, "'not' applies only to the value right after it (Milvus precedence); put the whole '"
          + op.text() + "' test in parentheses: not (...)");
    }
    return operand(left, start);
  }

  private Object additive() {
    Object left = multiplicative();
    while (peek().kind() == Kind.PLUS || peek().kind() == Kind.MINUS) {
      Token op = next();
      left = arith(left, op, multiplicative());
    }
    return left;
  }

  private Object multiplicative() {
    Object left = unary();
    while (peek().kind() == Kind.STAR || peek().kind() == Kind.SLASH || peek().kind() == Kind.PERCENT) {
      Token op = next();
      left = arith(left, op, unary());
    }
    return left;
  }

  private Object arith(Object left, Token opToken, Object right) {
    ArithOp op = arithOp(opToken);
    Operand l = operand(left, opToken.pos());
    Operand r = operand(right, opToken.pos());
    if (l instanceof Operand.Literal && r instanceof Operand.Literal) {
      return mark(new Operand.Literal(fold(((Operand.Literal) l).value(), op, ((Operand.Literal) r).value(),
          opToken.pos())), position(l, opToken.pos()));
    }
    return mark(new Operand.Arith(l, op, r), opToken.pos());
  }

  /** Folds constant arithmetic; errors use {@code pos}. */
  private Object fold(Object a, ArithOp op, Object b, int pos) {
    for (Object v : new Object[] {a, b}) {
      if (!(v instanceof Number)) {
        throw FilterException.invalid(FilterException.FILTER, text, pos,
            "arithmetic needs numbers, got the " + Literals.kind(v) + " " + FilterPrinter.print(new Operand.Literal(v)));
      }
    }
    Object result = op.apply(a, b);
    if (result == null) {
      throw FilterException.invalid(FilterException.FILTER, text, pos, "division by zero");
    }
    if (result instanceof Double && !Double.isFinite((Double) result)) {
      throw FilterException.invalid(FilterException.FILTER, text, pos, "constant arithmetic overflows to " + result);
    }
    return result;
  }

  private Object unary() {
    Token t = peek();
    if (t.kind() == Kind.NOT) {
      next();
      int pos = peek().pos();
      Filter child = condition(unary(), pos);
      return mark(new Filter.Not(child), t.pos());
    }
    if (t.kind() == Kind.MINUS || t.kind() == Kind.PLUS) {
      next();
      boolean minus = t.kind() == Kind.MINUS;
      if (minus && peek().kind() == Kind.INT) {
        return mark(new Operand.Literal(integer(next(), true)), t.pos());
      }
      int pos = peek().pos();
      Operand inner = operand(unary(), pos);
      if (inner instanceof Operand.Literal) {
        Object v = ((Operand.Literal) inner).value();
        fold(0L, ArithOp.ADD, v, t.pos()); // refuses non-numbers
        if (!minus) {
          return inner;
        }
        if (v instanceof Double) {
          return mark(new Operand.Literal(-(Double) v), t.pos());
        }
        if ((Long) v == Long.MIN_VALUE) {
          throw error(t, "integer -(" + v + ") is out of the INT64 range");
        }
        return mark(new Operand.Literal(-(Long) v), t.pos());
      }
      return minus ? mark(new Operand.Arith(mark(new Operand.Literal(0L), t.pos()), ArithOp.SUB, inner), t.pos()) : inner;
    }
    return primary();
  }

  private Object primary() {
    int index = i;
    Token t = next();
    switch (t.kind()) {
      case INT:
        return mark(new Operand.Literal(integer(t, false)), t.pos());
      case FLOAT: {
        double d = Double.parseDouble(t.text());
        if (!Double.isFinite(d)) {
          throw error(t, "number " + t.text() + " is out of the DOUBLE range");
        }
        return mark(new Operand.Literal(d), t.pos());
      }
      case STRING:
        return mark(new Operand.Literal(t.value()), t.pos());
      case TRUE:
      case FALSE:
        return mark(new Operand.Literal(t.kind() == Kind.TRUE), t.pos());
      case PARAM: {
        Object v = param(t);
        return v instanceof List ? new ListValue((List<Object>) v) : mark(new Operand.Literal(v), t.pos());
      }
      case LPAREN: {
        Object inner = or();
        if (!accept(Kind.RPAREN)) {
          throw error(peek(), "expected ')' to close the '(' at position " + t.pos());
        }
        parenthesized.add(inner);
        return inner;
      }
      case LBRACKET:
        i--;
        return new ListValue(listArgument(true, "'['"));
      case IDENT:
        return peek().kind() == Kind.LPAREN ? function(t) : fieldRef(t);
      default:
        Token prev = index > 0 ? tokens.get(index - 1) : null;
        if (prev == null) {
          throw error(t, "expected a value, got '" + t.text() + "'");
        }
        String after = "expected a value after '" + prev.text() + "'";
        throw error(t, t.kind() == Kind.EOF ? after + " but the filter ends" : after);
    }
  }

  private Operand.FieldRef fieldRef(Token name) {
    Operand.FieldRef ref = new Operand.FieldRef(name.value());
    while (accept(Kind.LBRACKET)) {
      Token step = next();
      if (step.kind() == Kind.STRING) {
        ref = ref.then(step.value());
      } else if (step.kind() == Kind.INT) {
        long index = integer(step, false);
        if (index > Integer.MAX_VALUE) {
          throw error(step, "array index " + step.text() + " is too large");
        }
        ref = ref.then((int) index);
      } else {
        throw error(step, "expected a quoted key or an array index inside [ ] after '" + name.value() + "'");
      }
      if (!accept(Kind.RBRACKET)) {
        throw error(peek(), "expected ']' after the JSON path step " + step.text());
      }
    }
    return mark(ref, name.pos());
  }

  private Filter function(Token name) {
    Filter.Contains.Mode mode = containsMode(name.value());
    if (mode == null) {
      throw error(name, "unknown function '" + name.value() + "'; supported: json_contains, json_contains_all,"
          + " json_contains_any, array_contains, array_contains_all, array_contains_any");
    }
    next(); // (
    int pos = peek().pos();
    Operand target = operand(additive(), pos);
    if (!accept(Kind.COMMA)) {
      throw error(peek(), "expected ',' after the first argument of " + name.value());
    }
    List<Object> values;
    if (mode == Filter.Contains.Mode.CONTAINS) {
      values = List.of(constant(true));
    } else {
      values = listArgument(true, name.value());
    }
    if (!accept(Kind.RPAREN)) {
      throw error(peek(), "expected ')' to close " + name.value() + "(");
    }
    return mark(new Filter.Contains(target, mode, values), name.pos());
  }

  @Nullable
  private static Filter.Contains.Mode containsMode(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "json_contains":
      case "array_contains":
        return Filter.Contains.Mode.CONTAINS;
      case "json_contains_all":
      case "array_contains_all":
        return Filter.Contains.Mode.CONTAINS_ALL;
      case "json_contains_any":
      case "array_contains_any":
        return Filter.Contains.Mode.CONTAINS_ANY;
      default:
        return null;
    }
  }

  /** {@code [c, ...]} or a list parameter. */
  @SuppressWarnings("unchecked")
  private List<Object> listArgument(boolean nested, String after) {
    Token t = peek();
    if (t.kind() == Kind.PARAM) {
      next();
      Object v = param(t);
      if (!(v instanceof List)) {
        throw error(t, "template parameter " + t.text() + " must be a list here, got " + v);
      }
      if (!nested && ((List<Object>) v).stream().anyMatch(e -> e instanceof List)) {
        throw error(t, "template parameter " + t.text() + " holds a nested list; 'in' takes a flat list");
      }
      return (List<Object>) v;
    }
    if (!accept(Kind.LBRACKET)) {
      throw error(t, "expected a list like [1, 2] or a template parameter after " + after);
    }
    List<Object> values = new ArrayList<>();
    while (!accept(Kind.RBRACKET)) {
      values.add(constant(nested));
      if (!accept(Kind.COMMA)) {
        if (!accept(Kind.RBRACKET)) {
          throw error(peek(), "expected ',' or ']' in the list");
        }
        break;
      }
    }
    return values;
  }

  /** A constant in a list or function argument: number (optionally negative), string, boolean, parameter, list. */
  private Object constant(boolean nested) {
    Token t = peek();
    switch (t.kind()) {
      case MINUS: {
        next();
        Token n = next();
        if (n.kind() == Kind.INT) {
          return integer(n, true);
        }
        if (n.kind() == Kind.FLOAT) {
          return -Double.parseDouble(n.text());
        }
        throw error(n, "expected a number after '-'");
      }
      case INT:
        return integer(next(), false);
      case FLOAT:
        return Double.parseDouble(next().text());
      case STRING:
        return next().value();
      case TRUE:
      case FALSE:
        return next().kind() == Kind.TRUE;
      case PARAM: {
        Object v = param(next());
        if (v instanceof List && !nested) {
          throw error(t, "template parameter " + t.text() + " is a list; a list element must be a single constant");
        }
        return v;
      }
      case LBRACKET:
        if (nested) {
          return List.copyOf(listArgument(true, "'['"));
        }
        throw error(t, "nested lists are not allowed here");
      default:
        throw error(t, "expected a constant (number, string or boolean), got '" + t.text() + "'");
    }
  }

  private Object param(Token t) {
    String name = t.value();
    if (!params.containsKey(name)) {
      throw error(t, "template parameter '" + name + "' is not bound; "
          + (params.isEmpty() ? "no parameters were given" : "bound parameters: " + new TreeSet<>(params.keySet())));
    }
    Object v = params.get(name);
    try {
      return Literals.isList(v) ? List.copyOf(Literals.list(v, true)) : Literals.scalar(v);
    } catch (IllegalArgumentException e) {
      throw error(t, "template parameter '" + name + "': " + e.getMessage());
    }
  }

  private long integer(Token t, boolean negative) {
    String s = t.text();
    boolean hex = s.length() > 2 && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
    BigInteger v = new BigInteger(hex ? s.substring(2) : s, hex ? 16 : 10);
    if (negative) {
      v = v.negate();
    }
    if (v.bitLength() > 63) {
      throw error(t, "integer " + (negative ? "-" : "") + s + " is out of the INT64 range");
    }
    return v.longValue();
  }

  /** Turns a parsed node into a condition: a bare field means {@code field == true}, a boolean constant a Constant. */
  private Filter condition(Object node, int pos) {
    if (node instanceof Filter) {
      return (Filter) node;
    }
    if (node instanceof Operand.FieldRef) {
      Operand.Literal t = new Operand.Literal(true);
      implicitTrue.add(t);
      return mark(new Filter.Compare((Operand) node, CompareOp.EQ, t), pos);
    }
    if (node instanceof Operand.Literal && ((Operand.Literal) node).value() instanceof Boolean) {
      return mark(new Filter.Constant((Boolean) ((Operand.Literal) node).value()), pos);
    }
    if (node instanceof Operand.Literal) {
      Object v = ((Operand.Literal) node).value();
      throw error(pos, "expected a condition, got the " + Literals.kind(v) + " " + node);
    }
    if (node instanceof ListValue) {
      throw error(pos, "expected a condition, got a list");
    }
    throw error(pos, "expected a condition, got the arithmetic '" + node + "'");
  }

  private Operand operand(Object node, int pos) {
    if (node instanceof Operand) {
      return (Operand) node;
    }
    if (node instanceof ListValue) {
      throw error(pos, "a list is only allowed after 'in' and as the second argument of json_contains functions");
    }
    throw error(pos, "expected a value, got the condition '" + node + "'");
  }

  private int position(Object node, int fallback) {
    Integer p = positions.get(node);
    return p == null ? fallback : p;
  }

  private <T> T mark(T node, int pos) {
    positions.put(node, pos);
    return node;
  }

  private static boolean isComparison(Kind k) {
    return k == Kind.EQ || k == Kind.NE || k == Kind.LT || k == Kind.LE || k == Kind.GT || k == Kind.GE;
  }

  private static boolean isUp(Kind k) {
    return k == Kind.LT || k == Kind.LE;
  }

  private static boolean isDown(Kind k) {
    return k == Kind.GT || k == Kind.GE;
  }

  private static CompareOp op(Token t) {
    return CompareOp.fromSymbol(t.kind() == Kind.NE ? "!=" : t.text());
  }

  private static ArithOp arithOp(Token t) {
    switch (t.kind()) {
      case PLUS:
        return ArithOp.ADD;
      case MINUS:
        return ArithOp.SUB;
      case STAR:
        return ArithOp.MUL;
      case SLASH:
        return ArithOp.DIV;
      default:
        return ArithOp.MOD;
    }
  }

  private Token peek() {
    return tokens.get(i);
  }

  private Token peekAt(int ahead) {
    return tokens.get(Math.min(i + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(i);
    if (t.kind() != Kind.EOF) {
      i++;
    }
    return t;
  }

  private boolean accept(Kind kind) {
    if (peek().kind() == kind) {
      next();
      return true;
    }
    return false;
  }

  private FilterException error(Token t, String reason) {
    return error(t.pos(), reason);
  }

  private FilterException error(int pos, String reason) {
    return FilterException.syntax(text, pos, reason);
  }
}
