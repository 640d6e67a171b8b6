package io.quiver.engine.filter;

import static io.quiver.engine.filter.Filters.field;
import static io.quiver.engine.filter.Filters.literal;
import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * Random filters over random segments with nulls, NaNs, extreme numbers, non-ASCII strings and irregular JSON: the
 * column evaluator must agree with the row evaluator, the printed text must parse back to the same tree, and stats
 * pruning must never skip a segment that has a match. Fixed seed.
 */
class RandomizedFilterTest {
  private static final CollectionSchema SCHEMA = TestSegment.schema(true);
  private static final long SEED = 0x5EED_F117E2L;
  private static final int SEGMENTS = 12;
  private static final int ROWS = 24;
  private static final int FILTERS = 1000;

  private static final String[] NAMES = {"", "a", "ab", "abc", "b%c", "b_c", "\u00dcn\u00ef", "\ud83d\ude00x", "x\ud83d\ude00",
      "\uffff", "a\\b", "Abc"};
  private static final String[] PATTERNS = {"a%", "%c", "%b%", "a_", "_", "%", "", "b\\%c", "b\\_c", "\u00dc%",
      "%\ud83d\ude00%", "\ud83d\ude00_", "a%c", "%\\\\%", "_b%", "A%"};
  private static final Object[] NUMBERS = {-3L, -2L, -1L, 0L, 1L, 2L, 3L, 5L, 10L, 0.1, 2.5, -1.5, -0.0, 1e300,
      Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L, 3.4e38};
  private static final String[] NUMERIC_FIELDS = {"age", "score", "price", "weight"};
  private static final String[] INTEGRAL_FIELDS = {"age", "score"};

  private static final List<TestSegment> segments = new ArrayList<>();
  private static final List<FieldStatsView> stats = new ArrayList<>();
  private final Random rnd = new Random(SEED);

  @BeforeAll
  static void createSegments() {
    Random r = new Random(SEED ^ 1);
    for (int s = 0; s < SEGMENTS; s++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        rows.add(randomRow(r, s));
      }
      TestSegment seg = new TestSegment(SCHEMA, rows);
      segments.add(seg);
      stats.add(statsOf(seg));
    }
  }

  @AfterAll
  static void close() {
    segments.forEach(TestSegment::close);
  }

  @Test
  void columnAndRowEvaluatorsAgreeAndPruningIsSound() {
    int pruned = 0;
    int matched = 0;
    for (int n = 0; n < FILTERS; n++) {
      Filter f = randomFilter(3);
      assertThat(Filters.parse(f.toString())).as("round trip of %s", f).isEqualTo(f);
      BoundFilter bound;
      try {
        bound = f.bind(SCHEMA);
      } catch (FilterException e) {
        throw new AssertionError("generated filter does not bind: " + f, e);
      }
      BoundFilter reparsed = Filters.parse(bound.toString(), SCHEMA);
      assertThat(reparsed.expression()).as("bound %s printed and parsed again", bound).isEqualTo(bound.expression());
      for (int s = 0; s < SEGMENTS; s++) {
        TestSegment seg = segments.get(s);
        RoaringBitmap columns = bound.evaluate(seg);
        assertThat(columns).as("segment %s, filter %s", s, bound).isEqualTo(seg.byRows(bound));
        if (!bound.mightMatch(stats.get(s))) {
          pruned++;
          assertThat(columns).as("segment %s was pruned for %s but has matches", s, bound).isEmpty();
        }
        matched += columns.isEmpty() ? 0 : 1;
      }
    }
    assertThat(pruned).as("segments pruned").isGreaterThan(FILTERS);
    assertThat(matched).as("segment evaluations with matches").isGreaterThan(FILTERS * 2);
  }

  // ---- random data ----

  private static Map<String, Object> randomRow(Random r, int segment) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("age", maybeNull(r, segment * 2 + r.nextInt(7) - 3));
    m.put("score", maybeNull(r, r.nextInt(8) == 0 ? pick(r, Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L)
        : (long) (segment - 8 + r.nextInt(5))));
    m.put("price", maybeNull(r, pick(r, -1.5f, 0f, -0f, 0.1f, 2f, Float.NaN, 3f, (float) segment)));
    m.put("weight", maybeNull(r, pick(r, 0.1, -0.0, 0.0, 2.5, Double.NaN, 1e300, -3.0, segment * 0.5)));
    m.put("name", maybeNull(r, NAMES[(segment + r.nextInt(4)) % NAMES.length]));
    m.put("active", maybeNull(r, segment % 3 == 0 ? Boolean.TRUE : (Object) r.nextBoolean()));
    if (r.nextInt(5) > 0) {
      Map<String, Object> meta = new HashMap<>();
      putMaybe(r, meta, "a", jsonScalar(r));
      putMaybe(r, meta, "tags", r.nextInt(4) == 0 ? jsonScalar(r) : jsonList(r));
      putMaybe(r, meta, "b", Map.of("c", r.nextInt(4)));
      m.put("meta", meta);
    }
    putMaybe(r, m, "color", jsonScalar(r));
    putMaybe(r, m, "size", r.nextBoolean() ? (Object) (long) r.nextInt(5) : (Object) (r.nextInt(9) * 0.5));
    return m;
  }

  private static Object maybeNull(Random r, Object v) {
    return r.nextInt(5) == 0 ? null : v;
  }

  private static void putMaybe(Random r, Map<String, Object> m, String key, Object v) {
    if (r.nextInt(4) > 0) {
      m.put(key, v);
    }
  }

  private static Object jsonScalar(Random r) {
    switch (r.nextInt(6)) {
      case 0:
        return (long) (r.nextInt(7) - 3);
      case 1:
        return pick(r, 0.5, 2.0, -1.5);
      case 2:
        return NAMES[r.nextInt(NAMES.length)];
      case 3:
        return r.nextBoolean();
      case 4:
        return null;
      default:
        return (long) r.nextInt(3);
    }
  }

  private static List<Object> jsonList(Random r) {
    List<Object> out = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      out.add(r.nextInt(6) == 0 ? List.of(1L, 2L) : jsonScalar(r));
    }
    return out;
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }

  // ---- random filters ----

  private Filter randomFilter(int depth) {
    if (depth == 0 || rnd.nextInt(10) < 4) {
      return leaf();
    }
    switch (rnd.nextInt(3)) {
      case 0:
        return Filters.and(children(depth));
      case 1:
        return Filters.or(children(depth));
      default:
        return Filters.not(randomFilter(depth - 1));
    }
  }

  private List<Filter> children(int depth) {
    List<Filter> out = new ArrayList<>();
    for (int i = 2 + rnd.nextInt(2); i > 0; i--) {
      out.add(randomFilter(depth - 1));
    }
    return out;
  }

  private Filter leaf() {
    CompareOp op = pick(rnd, CompareOp.values());
    switch (rnd.nextInt(16)) {
      case 0:
      case 1: {
        Operand f = field(pick(rnd, NUMERIC_FIELDS));
        Operand v = literal(number());
        return rnd.nextInt(4) == 0 ? Filters.compare(v, op, f) : Filters.compare(f, op, v);
      }
      case 2:
        return Filters.compare(numericExpression(), op, rnd.nextBoolean() ? literal(number()) : field(pick(rnd, NUMERIC_FIELDS)));
      case 3:
        return Filters.compare(field(pick(rnd, NUMERIC_FIELDS)), op, field(pick(rnd, NUMERIC_FIELDS)));
      case 4:
        return Filters.compare(field("name"), op, literal(pick(rnd, NAMES)));
      case 5:
        return Filters.compare(field("active"), rnd.nextBoolean() ? CompareOp.EQ : CompareOp.NE, literal(rnd.nextBoolean()));
      case 6: {
        List<Object> values = new ArrayList<>();
        boolean strings = rnd.nextInt(3) == 0;
        for (int i = rnd.nextInt(4); i >= 0; i--) {
          values.add(strings ? pick(rnd, NAMES) : number());
        }
        Filter.In in = (Filter.In) Filters.in(strings ? "name" : pick(rnd, NUMERIC_FIELDS), values);
        return new Filter.In(in.value(), in.values(), rnd.nextBoolean());
      }
      case 7:
        return Filters.like(rnd.nextBoolean() ? "name" : "color", pick(rnd, PATTERNS));
      case 8:
        return new Filter.IsNull(anyField(), rnd.nextBoolean());
      case 9:
      case 10: {
        Object v = jsonLiteral();
        if (v instanceof Boolean && op.isOrdering()) {
          op = CompareOp.EQ;
        }
        return Filters.compare(jsonPath(), op, literal(v));
      }
      case 11: {
        List<Object> values = new ArrayList<>();
        for (int i = rnd.nextInt(4); i >= 0; i--) {
          values.add(jsonLiteral());
        }
        Filter.In in = (Filter.In) Filters.in(jsonPath(), values);
        return new Filter.In(in.value(), in.values(), rnd.nextBoolean());
      }
      case 12: {
        Operand tags = rnd.nextInt(4) == 0 ? field("color") : field("meta", "tags");
        List<Object> values = new ArrayList<>();
        for (int i = rnd.nextInt(3); i >= 0; i--) {
          values.add(rnd.nextInt(6) == 0 ? List.of(1L, 2L) : jsonLiteral());
        }
        switch (rnd.nextInt(3)) {
          case 0:
            return Filters.jsonContains(tags, values.get(0));
          case 1:
            return Filters.jsonContainsAll(tags, values);
          default:
            return Filters.jsonContainsAny(tags, values);
        }
      }
      case 13:
        return Filters.compare(Filters.arith(jsonPath(), pick(rnd, ArithOp.ADD, ArithOp.SUB, ArithOp.MUL, ArithOp.DIV),
            rnd.nextBoolean() ? literal(pick(rnd, 2L, -1L, 0.5)) : field(pick(rnd, NUMERIC_FIELDS))), op, literal(number()));
      case 14:
        return rnd.nextBoolean() ? Filters.compare(field("active"), CompareOp.EQ, literal(true))
            : Filters.compare(jsonPath(), CompareOp.EQ, literal(true));
      default:
        return rnd.nextInt(8) == 0 ? Filters.alwaysFalse() : Filters.compare(field("name"), op, field("name"));
    }
  }

  private Operand numericExpression() {
    if (rnd.nextBoolean()) {
      String a = pick(rnd, INTEGRAL_FIELDS);
      Operand b = rnd.nextBoolean() ? field(pick(rnd, INTEGRAL_FIELDS)) : literal(pick(rnd, 2L, 3L, -1L, 7L));
      return Filters.arith(field(a), pick(rnd, ArithOp.values()), b);
    }
    Operand b = rnd.nextBoolean() ? field(pick(rnd, NUMERIC_FIELDS)) : literal(pick(rnd, 2L, 0.5, -1.5, 1e300));
    return Filters.arith(field(pick(rnd, NUMERIC_FIELDS)), pick(rnd, ArithOp.ADD, ArithOp.SUB, ArithOp.MUL, ArithOp.DIV), b);
  }

  private Object number() {
    return NUMBERS[rnd.nextInt(NUMBERS.length)];
  }

  private Object jsonLiteral() {
    switch (rnd.nextInt(4)) {
      case 0:
        return pick(rnd, NAMES);
      case 1:
        return rnd.nextBoolean();
      default:
        return pick(rnd, -1L, 0L, 1L, 2L, 0.5, 2.0, -1.5, 3L);
    }
  }

  private Operand.FieldRef jsonPath() {
    switch (rnd.nextInt(7)) {
      case 0:
        return field("meta", "a");
      case 1:
        return field("meta", "tags", rnd.nextInt(3));
      case 2:
        return field("meta", "b", "c");
      case 3:
        return field("color");
      case 4:
        return field("$meta", "size");
      case 5:
        return field("size");
      default:
        return field("meta", "tags");
    }
  }

  private Operand.FieldRef anyField() {
    return rnd.nextBoolean() ? jsonPath() : field(pick(rnd, "age", "score", "price", "weight", "name", "active", "meta"));
  }

  // ---- stats as a segment writer would keep them: min/max of non-null, non-NaN values ----

  private static FieldStatsView statsOf(TestSegment seg) {
    Map<String, Object[]> minMax = new HashMap<>();
    Map<String, Long> nulls = new HashMap<>();
    for (FieldSchema f : SCHEMA.fields()) {
      int p = SCHEMA.position(f.name());
      long n = 0;
      Object min = null;
      Object max = null;
      for (Row row : seg.rows) {
        Object v = row.get(p);
        if (v == null) {
          n++;
          continue;
        }
        if (f.type().isVector() || f.type() == io.quiver.engine.schema.DataType.JSON
            || (v instanceof Float && ((Float) v).isNaN()) || (v instanceof Double && ((Double) v).isNaN())) {
          continue;
        }
        min = min == null || order(v, min) < 0 ? v : min;
        max = max == null || order(v, max) > 0 ? v : max;
      }
      nulls.put(f.name(), n);
      minMax.put(f.name(), new Object[] {min, max});
    }
    nulls.put(CollectionSchema.DYNAMIC_FIELD, seg.rows.stream().filter(r -> r.meta() == null).count());
    return new FieldStatsView() {
      @Override
      public Object min(String f) {
        Object[] mm = minMax.get(f);
        return mm == null ? null : mm[0];
      }

      @Override
      public Object max(String f) {
        Object[] mm = minMax.get(f);
        return mm == null ? null : mm[1];
      }

      @Override
      public long nullCount(String f) {
        return nulls.getOrDefault(f, (long) seg.rows.size());
      }

      @Override
      public long rowCount() {
        return seg.rows.size();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static int order(Object a, Object b) {
    if (a instanceof String) {
      return Comparisons.compareStrings((String) a, (String) b);
    }
    if (a instanceof Number) {
      Object x = Comparisons.canonical(a);
      Object y = Comparisons.canonical(b);
      return Boolean.TRUE.equals(Comparisons.compare(CompareOp.LT, x, y)) ? -1
          : Boolean.TRUE.equals(Comparisons.compare(CompareOp.GT, x, y)) ? 1 : 0;
    }
    return ((Comparable<Object>) a).compareTo(b);
  }
}
