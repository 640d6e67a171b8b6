package io.quiver.engine.filter;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;
import org.roaringbitmap.RoaringBitmap;

/**
 * A filter resolved against a schema and type-checked: the form that evaluates. Immutable and thread-safe; prepare it
 * once per request and evaluate it on every segment. Not serializable: ship the {@link #expression()} and the schema
 * and bind again on the other side.
 *
 * <p>Three ways to evaluate, with the same semantics (see the package documentation):
 * <ul>
 *   <li>{@link #evaluate(FilterColumns)}: the matching row ordinals of one segment, computed column at a time;
 *   <li>{@link #test(Row)} / {@link #test(Map)}: one row at a time (the serving tier's in-memory WAL tail);
 *   <li>{@link #mightMatch(FieldStatsView)}: whether a segment can hold a match at all, from its min/max/null counts.
 * </ul>
 */
public final class BoundFilter {
  private final Filter expression;
  private final CollectionSchema schema;
  /** Per filter node (by identity): ValueSet for In and Contains, LikePattern for Like. */
  private final Map<Filter, Object> prepared = new IdentityHashMap<>();
  /** Per JSON column: the distinct paths the filter reads, so each row's JSON is parsed once per evaluation. */
  private final Map<String, List<List<Object>>> jsonPaths = new LinkedHashMap<>();
  private final Set<String> columns = new LinkedHashSet<>();

  BoundFilter(Filter expression, CollectionSchema schema) {
    this.expression = expression;
    this.schema = schema;
    prepare(expression);
  }

  private void prepare(Filter f) {
    if (f instanceof Filter.And) {
      ((Filter.And) f).children().forEach(this::prepare);
    } else if (f instanceof Filter.Or) {
      ((Filter.Or) f).children().forEach(this::prepare);
    } else if (f instanceof Filter.Not) {
      prepare(((Filter.Not) f).child());
    } else if (f instanceof Filter.Compare) {
      visit(((Filter.Compare) f).left());
      visit(((Filter.Compare) f).right());
    } else if (f instanceof Filter.In) {
      visit(((Filter.In) f).value());
      prepared.put(f, ValueSet.of(((Filter.In) f).values()));
    } else if (f instanceof Filter.Like) {
      visit(((Filter.Like) f).value());
      prepared.put(f, LikePattern.compile(((Filter.Like) f).pattern()));
    } else if (f instanceof Filter.IsNull) {
      visit(((Filter.IsNull) f).value());
    } else if (f instanceof Filter.Contains) {
      Filter.Contains c = (Filter.Contains) f;
      visit(c.value());
      if (c.values().stream().noneMatch(v -> v instanceof List)) {
        prepared.put(f, ValueSet.of(c.values()));
      }
    }
  }

  private void visit(Operand o) {
    if (o instanceof Operand.FieldRef) {
      Operand.FieldRef ref = (Operand.FieldRef) o;
      columns.add(ref.name());
      if (isJson(ref)) {
        List<List<Object>> paths = jsonPaths.computeIfAbsent(ref.name(), k -> new ArrayList<>());
        if (!paths.contains(ref.path())) {
          paths.add(ref.path());
        }
      }
    } else if (o instanceof Operand.Arith) {
      visit(((Operand.Arith) o).left());
      visit(((Operand.Arith) o).right());
    }
  }

  /** The bound tree: undeclared keys as {@code $meta[...]} paths, constants folded. */
  public Filter expression() {
    return expression;
  }

  public CollectionSchema schema() {
    return schema;
  }

  /** True when the filter selects every row (an empty filter, {@code true}, {@code 1 < 2}). */
  public boolean isAlwaysTrue() {
    return expression instanceof Filter.Constant && ((Filter.Constant) expression).value();
  }

  /** The top-level columns the filter reads (field names and {@code $meta}), for column pruning. */
  public Set<String> columns() {
    return Collections.unmodifiableSet(columns);
  }

  /**
   * The matching rows of one segment: ordinals in {@code [0, columns.rowCount())} where the filter is TRUE (rows where
   * it is UNKNOWN are not included). A fresh bitmap the caller owns. Thread-safe; per-call state only.
   */
  public RoaringBitmap evaluate(FilterColumns columns) {
    return new ColumnEvaluator(this, columns).evaluate();
  }

  /** Whether a validated row matches (TRUE; UNKNOWN does not match). */
  public boolean test(Row row) {
    return Boolean.TRUE.equals(new RowEvaluator(this, name -> {
      if (CollectionSchema.DYNAMIC_FIELD.equals(name)) {
        return row.meta();
      }
      int p = schema.position(name);
      return p < 0 ? null : row.get(p);
    }).eval(expression));
  }

  /**
   * Whether a row given by field name matches. Takes the shape of {@link Row#toMap} ({@code $meta} as JSON text or a
   * map); without a {@code $meta} entry, keys that are not schema fields are taken as the dynamic field's keys. JSON
   * fields may be JSON text or maps/lists.
   */
  public boolean test(Map<String, ?> row) {
    return Boolean.TRUE.equals(new RowEvaluator(this, name -> {
      if (CollectionSchema.DYNAMIC_FIELD.equals(name) && !row.containsKey(name)) {
        Map<String, Object> dynamic = new LinkedHashMap<>();
        row.forEach((k, v) -> {
          if (schema.field(k) == null) {
            dynamic.put(k, v);
          }
        });
        return dynamic;
      }
      return row.get(name);
    }).eval(expression));
  }

  /**
   * Whether a segment with these statistics can hold a matching row. Conservative: true whenever the statistics cannot
   * rule a match out (unknown min/max, arithmetic, JSON paths, {@code like} other than prefixes, ...).
   */
  public boolean mightMatch(FieldStatsView stats) {
    return stats.rowCount() > 0 && new StatsPruner(this, stats).mightMatch(expression);
  }

  /**
   * Primary keys that every matching row has one of, when the filter pins them ({@code pk == 1},
   * {@code pk in [..]}, an {@code or} of those, or an {@code and} of one of those with anything); null when it does
   * not. Serving uses it to route point lookups and deletes to shards. Values are Long (INT64 keys) or String (VARCHAR keys).
   */
  @Nullable
  public Set<Object> primaryKeyCandidates() {
    return PrimaryKeys.candidates(expression, schema.primaryKey());
  }

  /**
   * The primary keys when the filter is only a list of them ({@code id == 5}, {@code id in [1, 2]}, or-ed), else null.
   * Serving deletes those keys without reading them first, as Milvus does for such filters (also keys of partitions
   * not loaded). Values as in {@link #primaryKeyCandidates()}.
   */
  @Nullable
  public Set<Object> exactPrimaryKeys() {
    return PrimaryKeys.exact(expression, schema.primaryKey());
  }

  /**
   * The same for another INT64 or VARCHAR field: values every matching row's {@code field} has one of, or null.
   * Serving uses it for the partition key, to read only the partitions those values hash to.
   */
  @Nullable
  public Set<Object> keyCandidates(FieldSchema field) {
    return PrimaryKeys.candidates(expression, field);
  }

  /** True when {@code ref} reads JSON: the dynamic field, a JSON field, or a path into one. */
  boolean isJson(Operand.FieldRef ref) {
    if (!ref.path().isEmpty() || CollectionSchema.DYNAMIC_FIELD.equals(ref.name())) {
      return true;
    }
    FieldSchema f = schema.field(ref.name());
    return f == null || f.type() == DataType.JSON;
  }

  List<List<Object>> jsonPaths(String column) {
    return jsonPaths.getOrDefault(column, List.of());
  }

  @SuppressWarnings("unchecked")
  <T> T prepared(Filter node) {
    return (T) prepared.get(node);
  }

  @Override
  public String toString() {
    return expression.toString();
  }
}
