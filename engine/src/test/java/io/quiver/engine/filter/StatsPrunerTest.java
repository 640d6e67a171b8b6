package io.quiver.engine.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.CollectionSchema;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsPrunerTest {
  private static final CollectionSchema SCHEMA = TestSegment.schema(true);

  /**
   * 100 rows: age 10..20 (no nulls), score all null, name "b".."d" (5 nulls), weight 1.0..2.0, price 0.1f..0.2f,
   * active always false, id 1..1 (one value), meta all null, $meta partly null; no stats for the rest.
   */
  private static final FieldStatsView STATS = new Stats(100)
      .field("age", 10, 20, 0)
      .field("score", null, null, 100)
      .field("name", "b", "d", 5)
      .field("weight", 1.0, 2.0, 0)
      .field("price", 0.1f, 0.2f, 0)
      .field("active", false, false, 0)
      .field("id", 1L, 1L, 0)
      .field("meta", null, null, 100)
      .field("$meta", null, null, 10);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "age > 20                               | false",
      "age >= 20                              | true",
      "age < 10                               | false",
      "age <= 10                              | true",
      "age == 15                              | true",
      "age == 25                              | false",
      "age == 15.5                            | true",
      "age > 20.5                             | false",
      "age != 15                              | true",
      "id != 1                                | false",
      "id == 1                                | true",
      "age in [1, 2, 30]                      | false",
      "age in [1, 15]                         | true",
      "age in []                              | false",
      "age not in [1, 2]                      | true",
      "id not in [1, 2]                       | false",
      "id not in [2]                          | true",
      "not (age > 5)                          | false",
      "not (age < 15)                         | true",
      "not (age >= 10 and age <= 20)          | false",
      "not (age > 25 or age < 5)              | true",
      "not (age < 10 or name like \"x%\")     | true",
      "not not (age > 20)                     | false",
      "not (age in [1, 2])                    | true",
      "not (id in [1])                        | false",
      "age > 25 or age < 5                    | false",
      "age > 25 or name == \"x\"              | false",
      "age > 25 or name == \"c\"              | true",
      "age > 15 and name == \"a\"             | false",
      "age is null                            | false",
      "age is not null                        | true",
      "not (age is not null)                  | false",
      "name is null                           | true",
      "score > 1                              | false",
      "score is null                          | true",
      "score is not null                      | false",
      "not (score is null)                    | false",
      "score in [1]                           | false",
      "score + 1 > 1                          | false",
      "name > \"d\"                           | false",
      "name >= \"d\"                          | true",
      "name == \"a\"                          | false",
      "name like \"c%\"                       | true",
      "name like \"a%\"                       | false",
      "name like \"e%\"                       | false",
      "name like \"d%\"                       | true",
      "name like \"bz%\"                      | true",
      "name like \"a\"                        | false",
      "name like \"%a\"                       | true",
      "name like \"a_\"                       | true",
      "weight > 3                             | false",
      "weight == 1.5                          | true",
      "weight != 1.5                          | true",
      "not (weight > 3)                       | true",
      "price == 0.1                           | true",
      "price < 0.1                            | false",
      "price > 0.2                            | false",
      "active                                 | false",
      "active == false                        | true",
      "not active                             | true",
      "active != false                        | false",
      "age * 2 > 100                          | true",
      "age > score                            | false",
      "meta[\"a\"] > 1                        | false",
      "meta[\"a\"] is null                    | true",
      "meta[\"a\"] is not null                | false",
      "json_contains(meta[\"t\"], 1)          | false",
      "color == \"red\"                       | true",
      "color is not null                      | true",
      "true                                   | true",
      "false                                  | false",
      "1 > 2 or age == 11                     | true",
  })
  void prunesOnlyWhatCannotMatch(String text, boolean expected) {
    assertThat(Filters.parse(text, SCHEMA).mightMatch(STATS)).as(text).isEqualTo(expected);
  }

  @Test
  void unknownStatsAndNaNAreNotPruned() {
    FieldStatsView unknown = new Stats(10).field("age", null, 5, 0).field("weight", Double.NaN, 2.0, 0);
    assertThat(Filters.parse("age > 10", SCHEMA).mightMatch(unknown)).isTrue();
    assertThat(Filters.parse("weight > 10", SCHEMA).mightMatch(unknown)).isTrue();
    FieldStatsView floatNe = new Stats(10).field("weight", 1.0, 1.0, 0);
    assertThat(Filters.parse("weight != 1", SCHEMA).mightMatch(floatNe)).as("NaN rows may hide from min/max").isTrue();
    assertThat(Filters.parse("weight not in [1]", SCHEMA).mightMatch(floatNe)).isTrue();
  }

  @Test
  void emptySegmentsNeverMatch() {
    assertThat(Filters.parse("true", SCHEMA).mightMatch(new Stats(0))).isFalse();
    assertThat(Filters.parse("age is null", SCHEMA).mightMatch(new Stats(0))).isFalse();
  }

  /** Stats from a map; fields without an entry have unknown min/max and no nulls. */
  private static final class Stats implements FieldStatsView {
    private final long rows;
    private final Map<String, Object[]> fields = new HashMap<>();

    Stats(long rows) {
      this.rows = rows;
    }

    Stats field(String name, Object min, Object max, long nulls) {
      fields.put(name, new Object[] {min, max, nulls});
      return this;
    }

    @Override
    public Object min(String f) {
      return fields.containsKey(f) ? fields.get(f)[0] : null;
    }

    @Override
    public Object max(String f) {
      return fields.containsKey(f) ? fields.get(f)[1] : null;
    }

    @Override
    public long nullCount(String f) {
      return fields.containsKey(f) ? (Long) fields.get(f)[2] : 0;
    }

    @Override
    public long rowCount() {
      return rows;
    }
  }
}
