package io.quiver.engine.filter;

import io.quiver.engine.schema.CollectionSchema;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Entry points: parse Milvus filter text, or build the same trees in code. Adapters (Spark, Flink, the Milvus API)
 * translate their predicates with these factories, never by building strings.
 *
 * <pre>{@code
 * BoundFilter f = Filters.parse("age > {min} and tag in [\"a\", \"b\"]", schema, Map.of("min", 20));
 * Filter g = Filters.and(Filters.gt("age", 20), Filters.in("tag", List.of("a", "b")));
 * RoaringBitmap rows = g.bind(schema).evaluate(segmentColumns);
 * }</pre>
 *
 * <p>Factory arguments are checked first thing: constants must be numbers, strings or booleans (finite, not null;
 * collections for list arguments), refusals are {@link FilterException}s naming the field.
 */
public final class Filters {
  private Filters() {}

  /** Parses a filter without a schema (fields unresolved); a blank text is {@link #alwaysTrue()}. */
  public static Filter parse(String expression) {
    return parse(expression, Map.of());
  }

  /** Parses a filter, substituting template parameters ({@code age > {min_age}}) from {@code params}. */
  public static Filter parse(String expression, Map<String, ?> params) {
    checkText(expression);
    return FilterParser.parse(expression, params).filter();
  }

  /** Parses and binds a filter; type errors point at their position in {@code expression}. */
  public static BoundFilter parse(String expression, CollectionSchema schema) {
    return parse(expression, schema, Map.of());
  }

  /** Parses and binds a filter with template parameters. */
  public static BoundFilter parse(String expression, CollectionSchema schema, Map<String, ?> params) {
    checkText(expression);
    FilterParser.Parsed parsed = FilterParser.parse(expression, params);
    return Binder.bind(parsed.filter(), schema, parsed.source());
  }

  private static void checkText(@Nullable String expression) {
    if (expression == null) {
      throw FilterException.invalid(FilterException.FILTER, null, -1, "the filter text is null");
    }
  }

  public static Filter alwaysTrue() {
    return new Filter.Constant(true);
  }

  public static Filter alwaysFalse() {
    return new Filter.Constant(false);
  }

  /** A field, or with {@code path} a value inside a JSON field: {@code field("meta", "tags", 0)}. */
  public static Operand.FieldRef field(String name, Object... path) {
    if (name == null || name.isEmpty()) {
      throw FilterException.invalid(FilterException.FILTER, null, -1, "a field name must not be null or empty");
    }
    try {
      return new Operand.FieldRef(name, Arrays.asList(path));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw FilterException.invalid(name, null, -1, "bad JSON path " + Arrays.toString(path) + ": " + e.getMessage());
    }
  }

  /** A constant: a number, string or boolean. */
  public static Operand.Literal literal(Object value) {
    return new Operand.Literal(scalar(FilterException.FILTER, value));
  }

  /** {@code left op right} for arithmetic operands ({@code price * 2}). */
  public static Operand arith(Operand left, ArithOp op, Operand right) {
    return new Operand.Arith(left, op, right);
  }

  public static Filter eq(String field, Object value) {
    return compare(field, CompareOp.EQ, value);
  }

  public static Filter ne(String field, Object value) {
    return compare(field, CompareOp.NE, value);
  }

  public static Filter lt(String field, Object value) {
    return compare(field, CompareOp.LT, value);
  }

  public static Filter le(String field, Object value) {
    return compare(field, CompareOp.LE, value);
  }

  public static Filter gt(String field, Object value) {
    return compare(field, CompareOp.GT, value);
  }

  public static Filter ge(String field, Object value) {
    return compare(field, CompareOp.GE, value);
  }

  /** {@code field op value}. */
  public static Filter compare(String field, CompareOp op, Object value) {
    return new Filter.Compare(field(field), op, new Operand.Literal(scalar(field, value)));
  }

  /** {@code left op right} on any operands. */
  public static Filter compare(Operand left, CompareOp op, Operand right) {
    return new Filter.Compare(left, op, right);
  }

  public static Filter in(String field, Collection<?> values) {
    return in(field(field), values);
  }

  public static Filter in(Operand value, Collection<?> values) {
    return new Filter.In(value, list(value, values, false), false);
  }

  public static Filter notIn(String field, Collection<?> values) {
    return new Filter.In(field(field), list(field(field), values, false), true);
  }

  public static Filter isNull(String field) {
    return new Filter.IsNull(field(field), false);
  }

  public static Filter isNotNull(String field) {
    return new Filter.IsNull(field(field), true);
  }

  /** {@code field like pattern}: {@code %} any run, {@code _} one character, backslash escapes. */
  public static Filter like(String field, String pattern) {
    if (pattern == null) {
      throw FilterException.invalid(field, null, -1, "a like pattern must not be null");
    }
    return new Filter.Like(field(field), pattern);
  }

  /** Values starting with {@code prefix} taken literally (Spark's {@code StringStartsWith}). */
  public static Filter startsWith(String field, String prefix) {
    return like(field, LikePattern.escape(prefix) + "%");
  }

  /** Values ending with {@code suffix} taken literally. */
  public static Filter endsWith(String field, String suffix) {
    return like(field, "%" + LikePattern.escape(suffix));
  }

  /** Values containing {@code infix} taken literally. */
  public static Filter containsString(String field, String infix) {
    return like(field, "%" + LikePattern.escape(infix) + "%");
  }

  /** {@code json_contains(value, element)}: the JSON array holds {@code element} (a constant or a list). */
  public static Filter jsonContains(Operand value, Object element) {
    Object e;
    try {
      e = Literals.isList(element) ? List.copyOf(Literals.list(element, true)) : Literals.scalar(element);
    } catch (IllegalArgumentException ex) {
      throw FilterException.invalid(fieldOf(value), null, -1, ex.getMessage());
    }
    return new Filter.Contains(value, Filter.Contains.Mode.CONTAINS, List.of(e));
  }

  /** {@code json_contains_all(value, [..])}. */
  public static Filter jsonContainsAll(Operand value, Collection<?> elements) {
    return new Filter.Contains(value, Filter.Contains.Mode.CONTAINS_ALL, list(value, elements, true));
  }

  /** {@code json_contains_any(value, [..])}. */
  public static Filter jsonContainsAny(Operand value, Collection<?> elements) {
    return new Filter.Contains(value, Filter.Contains.Mode.CONTAINS_ANY, list(value, elements, true));
  }

  /** All of {@code filters}; {@link #alwaysTrue()} for none. */
  public static Filter and(Filter... filters) {
    return and(Arrays.asList(filters));
  }

  public static Filter and(List<Filter> filters) {
    return filters.isEmpty() ? alwaysTrue() : filters.size() == 1 ? filters.get(0) : new Filter.And(filters);
  }

  /** Any of {@code filters}; {@link #alwaysFalse()} for none. */
  public static Filter or(Filter... filters) {
    return or(Arrays.asList(filters));
  }

  public static Filter or(List<Filter> filters) {
    return filters.isEmpty() ? alwaysFalse() : filters.size() == 1 ? filters.get(0) : new Filter.Or(filters);
  }

  public static Filter not(Filter filter) {
    return new Filter.Not(filter);
  }

  private static Object scalar(String field, Object value) {
    try {
      return Literals.scalar(value);
    } catch (IllegalArgumentException e) {
      throw FilterException.invalid(field, null, -1, e.getMessage());
    }
  }

  private static List<Object> list(Operand value, Collection<?> values, boolean nested) {
    if (values == null) {
      throw FilterException.invalid(fieldOf(value), null, -1, "the list of constants must not be null");
    }
    try {
      return Literals.list(values, nested);
    } catch (IllegalArgumentException e) {
      throw FilterException.invalid(fieldOf(value), null, -1, e.getMessage());
    }
  }

  private static String fieldOf(Operand value) {
    return value instanceof Operand.FieldRef ? ((Operand.FieldRef) value).name() : FilterException.FILTER;
  }
}
