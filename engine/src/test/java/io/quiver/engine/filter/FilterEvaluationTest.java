package io.quiver.engine.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.CollectionSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.ValueVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.roaringbitmap.RoaringBitmap;

/** Both evaluators on a hand-made segment whose expected answers are worked out by hand. */
class FilterEvaluationTest {
  private static final CollectionSchema SCHEMA = TestSegment.schema(true);
  private static TestSegment segment;

  @BeforeAll
  static void createSegment() {
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(row("age", 10, "score", 100L, "price", 1.5f, "weight", 2.5, "name", "alice", "active", true,
        "meta", Map.of("a", 1, "tags", List.of("x", "y"), "s", "str", "b", Map.of("c", 3)), "color", "red", "size", 3));
    rows.add(row("age", 20, "score", -5L, "price", 0.1f, "weight", Double.NaN, "name", "bob", "active", false,
        "meta", Map.of("a", 2.5, "tags", List.of("y"), "arr", List.of(1, 2, 3)), "color", "blue", "size", 3.5));
    rows.add(row());
    rows.add(row("age", 30, "score", 7L, "price", -2f, "weight", -0.0, "name", "al%ce", "active", true,
        "meta", Map.of("a", "1", "tags", "x"), "color", null, "size", "big"));
    rows.add(row("age", 40, "score", Long.MAX_VALUE, "price", 3.4e38f, "weight", 1e300, "name", "\u00dcn\u00efc\u00f8d\u00e9\ud83d\ude00",
        "active", false, "meta", Map.of("tags", List.of(), "a", true), "color", "red"));
    Map<String, Object> tagsWithNull = new HashMap<>();
    tagsWithNull.put("a", null);
    tagsWithNull.put("tags", List.of(1, 2.0, List.of(1, 2)));
    rows.add(row("age", -7, "score", 0L, "price", 0f, "weight", 0.0, "name", "", "meta", tagsWithNull, "size", 2));
    segment = new TestSegment(SCHEMA, rows);
  }

  @AfterAll
  static void close() {
    segment.close();
  }

  @ParameterizedTest(name = "{0} -> [{1}]")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "age > 15                                   | 1,3,4",
      "age >= 10 and age < 40                     | 0,1,3",
      "1 < age < 40                               | 0,1,3",
      "40 > age >= 20                             | 1,3",
      "age != 10                                  | 1,3,4,5",
      "age % 2 == 0                               | 0,1,3,4",
      "age * 2 + 1 > 41                           | 3,4",
      "age / 7 == -1                              | 5",
      "-age > 0                                   | 5",
      "age > 15.5                                 | 1,3,4",
      "age == 10.0                                | 0",
      "age == 10.5                                | none",
      "age in [10, 40, 41]                        | 0,4",
      "age in [10.0, 20.5]                        | 0",
      "age not in [10, 40]                        | 1,3,5",
      "score > 9223372036854775806                | 4",
      "score + 1 < 0                              | 1,4",
      "score / age == 10                          | 0",
      "score == 100.0                             | 0",
      "score > 99.5                               | 0,4",
      "score > 9.3e18                             | none",
      "score < age                                | 1,3",
      "score in [7, 9223372036854775807]          | 3,4",
      "price == 0.1                               | 1",
      "price > 0.1                                | 0,4",
      "price * 2 > 3                              | 4",
      "price < -1e40                              | none",
      "price > -1e40                              | 0,1,3,4,5",
      "price in [0.1, 1.5]                        | 0,1",
      "weight > 0                                 | 0,4",
      "weight == 0                                | 3,5",
      "weight != 2.5                              | 1,3,4,5",
      "weight > 1 or weight < 1                   | 0,3,4,5",
      "not (weight > 1)                           | 1,3,5",
      "weight > price                             | 0,3,4",
      "weight * 1 == weight                       | 0,3,4,5",
      "name == \"bob\"                            | 1",
      "name > \"b\"                               | 1,4",
      "name < \"alice\"                           | 3,5",
      "name <= \"alice\"                          | 0,3,5",
      "name != \"\"                               | 0,1,3,4",
      "name like \"al%\"                          | 0,3",
      "name like \"%ce\"                          | 0,3",
      "name like \"%o%\"                          | 1",
      "name like \"al\\\\%ce\"                    | 3",
      "name like \"al_ce\"                        | 0,3",
      "name like \"\u00dcn\u00efc\u00f8d\u00e9_\" | 4",
      "name like \"%\ud83d\ude00\"                | 4",
      "name like \"%\"                            | 0,1,3,4,5",
      "name like \"\"                             | 5",
      "name like \"b%b\"                          | 1",
      "not (name like \"a%\")                     | 1,4,5",
      "name in [\"bob\", \"\", \"zed\"]           | 1,5",
      "name not in [\"bob\"]                      | 0,3,4,5",
      "active                                     | 0,3",
      "not active                                 | 1,4",
      "active == false                            | 1,4",
      "active != true                             | 1,4",
      "active in [true]                           | 0,3",
      "age is null                                | 2",
      "age is not null                            | 0,1,3,4,5",
      "active is null                             | 2,5",
      "meta is null                               | 2",
      "meta[\"a\"] == 1                           | 0",
      "meta[\"a\"] > 1                            | 1",
      "meta[\"a\"] == \"1\"                       | 3",
      "meta[\"a\"] != 1                           | 1,3,4",
      "meta[\"a\"] == true                        | 4",
      "meta[\"a\"]                                | 4",
      "meta[\"a\"] is null                        | 2,5",
      "meta[\"a\"] is not null                    | 0,1,3,4",
      "meta[\"a\"] in [1, \"1\"]                  | 0,3",
      "meta[\"a\"] + 1 == 2                       | 0",
      "meta[\"a\"] * 2 == 5                       | 1",
      "meta[\"b\"][\"c\"] == 3                    | 0",
      "meta[\"s\"] like \"s%\"                    | 0",
      "not (meta[\"a\"] like \"s%\")              | 0,1,3,4",
      "meta[\"arr\"][1] == 2                      | 1",
      "meta[\"arr\"][5] is null                   | 0,1,2,3,4,5",
      "meta[\"tags\"][0] == \"x\"                 | 0",
      "json_contains(meta[\"tags\"], \"x\")       | 0",
      "json_contains(meta[\"tags\"], 2)           | 5",
      "json_contains(meta[\"tags\"], [1, 2])      | 5",
      "json_contains_all(meta[\"tags\"], [\"x\", \"y\"]) | 0",
      "json_contains_any(meta[\"tags\"], [\"y\", 1])     | 0,1,5",
      "not json_contains(meta[\"tags\"], \"y\")   | 3,4,5",
      "json_contains_all(meta[\"tags\"], [])      | 0,1,4,5",
      "array_contains_any(meta[\"tags\"], [])     | none",
      "color == \"red\"                           | 0,4",
      "color != \"red\"                           | 1",
      "color is null                              | 2,3,5",
      "size > 2.5                                 | 0,1",
      "size * 2 == 6                              | 0",
      "size in [2, \"big\"]                       | 3,5",
      "$meta[\"color\"] like \"r%\"               | 0,4",
      "age > 15 and color == \"red\"              | 4",
      "age > 15 or color == \"red\"               | 0,1,3,4",
      "true                                       | 0,1,2,3,4,5",
      "false or age == 10                         | 0",
      "1 < 2                                      | 0,1,2,3,4,5",
  })
  void evaluatesLikeWorkedOut(String text, String expected) {
    assertRows(segment, text, expected);
  }

  @Test
  void templateParametersEvaluate() {
    BoundFilter f = Filters.parse("age > {min} and name in {names}", SCHEMA,
        Map.of("min", 15, "names", List.of("bob", "al%ce")));
    assertThat(f.evaluate(segment)).isEqualTo(RoaringBitmap.bitmapOf(1, 3));
  }

  /** x and y each in {1 (TRUE for "== 1"), 2 (FALSE), null (UNKNOWN)}; row = 3 * i + j. */
  @ParameterizedTest(name = "{0} -> [{1}]")
  @CsvSource(delimiter = '|', value = {
      "age == 1                           | 0,1,2",
      "not (age == 1)                     | 3,4,5",
      "age != 1                           | 3,4,5",
      "age == 1 and score == 1            | 0",
      "not (age == 1 and score == 1)      | 1,3,4,5,7",
      "age == 1 or score == 1             | 0,1,2,3,6",
      "not (age == 1 or score == 1)       | 4",
      "not not (age == 1)                 | 0,1,2",
      "age == 1 or age != 1               | 0,1,2,3,4,5",
      "not (age == 1 or age != 1)         | none",
      "(age == 1) == false                | 3,4,5",
      "age in [1]                         | 0,1,2",
      "age not in [1]                     | 3,4,5",
      "not (age in [1])                   | 3,4,5",
      "age is null                        | 6,7,8",
      "not (age is null)                  | 0,1,2,3,4,5",
      "age is null or score is null       | 2,5,6,7,8",
      "age + score == 2                   | 0",
      "not (age + score == 2)             | 1,3,4",
      "age == 1 and score is null         | 2",
      "not (age == 1 and score is null)   | 0,1,3,4,5,6,7",
      "age < score                        | 1",
      "not (age < score)                  | 0,3,4",
  })
  void threeValuedLogic(String text, String expected) {
    List<Map<String, Object>> rows = new ArrayList<>();
    Integer[] v = {1, 2, null};
    for (Integer a : v) {
      for (Integer b : v) {
        rows.add(row("age", a, "score", b == null ? null : (long) b));
      }
    }
    try (TestSegment truth = new TestSegment(SCHEMA, rows)) {
      assertRows(truth, text, expected);
    }
  }

  @Test
  void aMissingColumnIsAllNull() {
    try (TestSegment seg = new TestSegment(SCHEMA, List.of(row("score", 5L), row("score", 6L))).without("score")) {
      assertThat(eval(seg, "score > 1")).isEmpty();
      assertThat(eval(seg, "not (score > 1)")).isEmpty();
      assertThat(eval(seg, "score in [5]")).isEmpty();
      assertThat(eval(seg, "score + 1 > 1")).isEmpty();
      assertThat(eval(seg, "score is null")).containsExactly(0, 1);
      assertThat(eval(seg, "score is null or score > 1")).containsExactly(0, 1);
    }
    try (TestSegment seg = new TestSegment(SCHEMA, List.of(row("color", "red"))).without("$meta")) {
      assertThat(eval(seg, "color == \"red\"")).isEmpty();
      assertThat(eval(seg, "color is null")).containsExactly(0);
    }
  }

  @Test
  void jsonColumnIsReadOnceForAllPredicates() {
    AtomicInteger metaReads = new AtomicInteger();
    FilterColumns counting = new FilterColumns() {
      @Override
      public int rowCount() {
        return segment.rowCount();
      }

      @Override
      public ValueVector column(String name) {
        if (name.equals(CollectionSchema.DYNAMIC_FIELD)) {
          metaReads.incrementAndGet();
        }
        return segment.column(name);
      }
    };
    BoundFilter f = Filters.parse("color == \"red\" or size > 2 or not (color is null) or size in [2]", SCHEMA);
    assertThat(f.evaluate(counting)).isEqualTo(segment.byRows(f));
    assertThat(metaReads).as("reads of $meta for four predicates on two keys").hasValue(1);
  }

  @Test
  void blankFilterSelectsEverything() {
    assertThat(Filters.parse(" ", SCHEMA).isAlwaysTrue()).isTrue();
    assertThat(eval(segment, " ")).isEqualTo(RoaringBitmap.bitmapOfRange(0, 6));
  }

  @Test
  void emptySegment() {
    try (TestSegment empty = new TestSegment(SCHEMA, List.of())) {
      assertThat(eval(empty, "true")).isEmpty();
      assertThat(eval(empty, "not (age > 1)")).isEmpty();
    }
  }

  static void assertRows(TestSegment seg, String text, String expected) {
    BoundFilter f = Filters.parse(text, seg.schema);
    RoaringBitmap want = new RoaringBitmap();
    if (!expected.equals("none")) {
      for (String s : expected.split(",")) {
        want.add(Integer.parseInt(s.trim()));
      }
    }
    assertThat(f.evaluate(seg)).as("column evaluator on %s (bound: %s)", text, f).isEqualTo(want);
    assertThat(seg.byRows(f)).as("row evaluator on %s (bound: %s)", text, f).isEqualTo(want);
  }

  private static RoaringBitmap eval(TestSegment seg, String text) {
    return Filters.parse(text, seg.schema).evaluate(seg);
  }

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
