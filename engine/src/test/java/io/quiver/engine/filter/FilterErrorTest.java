package io.quiver.engine.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.ValidationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterErrorTest {
  private static final CollectionSchema SCHEMA = TestSegment.schema(false);
  private static final CollectionSchema DYNAMIC = TestSegment.schema(true);

  @Test
  void syntaxErrorShowsPositionAndCaret() {
    assertThatThrownBy(() -> Filters.parse("age > > 3"))
        .isInstanceOf(FilterException.class)
        .isInstanceOf(ValidationException.class)
        .hasMessage("Cannot parse filter at position 6: expected a value after '>'\n  age > > 3\n        ^")
        .satisfies(e -> {
          FilterException fe = (FilterException) e;
          assertThat(fe.position()).isEqualTo(6);
          assertThat(fe.field()).isEqualTo("filter");
          assertThat(fe.expression()).isEqualTo("age > > 3");
          assertThat(fe.reason()).isEqualTo("expected a value after '>'");
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "age >                  | 5  | expected a value after '>' but the filter ends",
      "(age > 3               | 8  | expected ')' to close the '(' at position 0",
      "age > 3)               | 7  | unexpected ')' without a matching '('",
      "age 3                  | 4  | unexpected '3' after 'age'; expected an operator, 'and', 'or' or the end of the filter",
      "age = 3                | 4  | '=' is not an operator; use '==' to test equality",
      "age > 3 and            | 11 | expected a value after 'and' but the filter ends",
      "and age > 3            | 0  | expected a value, got 'and'",
      "name == \"abc          | 8  | unterminated string: missing closing \"",
      "age # 3                | 4  | unexpected character '#'",
      "age > 3abc             | 6  | malformed number '3a'",
      "age > 1e               | 6  | malformed number '1e': missing exponent",
      "age > {min}            | 6  | template parameter 'min' is not bound; no parameters were given",
      "age > { }              | 6  | expected a template parameter like {name}",
      "foo(age, 1)            | 0  | unknown function 'foo'; supported: json_contains, json_contains_all, json_contains_any, array_contains, array_contains_all, array_contains_any",
      "json_contains(tags)    | 18 | expected ',' after the first argument of json_contains",
      "json_contains_all(tags, 1) | 24 | expected a list like [1, 2] or a template parameter after json_contains_all",
      "1 < age > 3            | 8  | a chained comparison must go one way, like 1 < x <= 5 or 5 > x >= 1",
      "1 == age == 3          | 9  | a chained comparison must go one way, like 1 < x <= 5 or 5 > x >= 1",
      "not age > 3            | 0  | 'not' applies only to the value right after it (Milvus precedence); put the comparison in parentheses: not (... > ...)",
      "not age in [1]         | 0  | 'not' applies only to the value right after it (Milvus precedence); put the whole 'in' test in parentheses: not (...)",
      "age in 3               | 7  | expected a list like [1, 2] or a template parameter after 'in'",
      "age in [1, age]        | 11 | expected a constant (number, string or boolean), got 'age'",
      "age in [[1]]           | 8  | nested lists are not allowed here",
      "age in [1 2]           | 10 | expected ',' or ']' in the list",
      "name like 3            | 10 | expected a quoted pattern after 'like'",
      "age is 3               | 7  | expected 'null' or 'not null' after 'is'",
      "age + 1 is null        | 0  | 'is null' applies to a field or a JSON path, not age + 1",
      "age > 99999999999999999999 | 6 | integer 99999999999999999999 is out of the INT64 range",
      "age > 1e999            | 6  | number 1e999 is out of the DOUBLE range",
      "meta[age] > 1          | 5  | expected a quoted key or an array index inside [ ] after 'meta'",
      "meta[\"a\" > 1         | 9  | expected ']' after the JSON path step \"a\"",
      "age                  3 | 21 | unexpected '3' after 'age'; expected an operator, 'and', 'or' or the end of the filter",
      "3                      | 0  | expected a condition, got the number 3",
      "age + 1                | 0  | expected a condition, got the arithmetic 'age + 1'",
      "[1, 2]                 | 0  | expected a condition, got a list",
      "age > [1]              | 6  | a list is only allowed after 'in' and as the second argument of json_contains functions",
      "(age > 1) > 2          | 10 | cannot compare a condition with '>' except '== true' or '== false'",
      "(age > 1) + 2 > 1      | 10 | expected a value, got the condition 'age > 1'",
  })
  void syntaxErrors(String text, int position, String reason) {
    assertThatThrownBy(() -> Filters.parse(text.strip()))
        .isInstanceOfSatisfying(FilterException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.position()).isEqualTo(position);
          assertThat(e.getMessage()).endsWith("\n  " + text.strip() + "\n  " + " ".repeat(position) + "^");
        });
  }

  @Test
  void constantErrorsAreInvalidNotUnparsable() {
    assertThatThrownBy(() -> Filters.parse("age > 1 / 0"))
        .hasMessage("Invalid filter at position 8: division by zero\n  age > 1 / 0\n          ^");
    assertThatThrownBy(() -> Filters.parse("age > 1 + \"a\""))
        .hasMessageStartingWith("Invalid filter at position 8: arithmetic needs numbers, got the string \"a\"");
    assertThatThrownBy(() -> Filters.parse("age > 1e300 * 1e300"))
        .hasMessageStartingWith("Invalid filter at position 12: constant arithmetic overflows to Infinity");
  }

  @Test
  void parameterErrorsNameTheParameter() {
    Map<String, Object> params = new HashMap<>();
    params.put("a", 1);
    params.put("n", null);
    params.put("l", List.of(1));
    params.put("o", new Object());
    assertThatThrownBy(() -> Filters.parse("age > {b}", params))
        .hasMessageContaining("template parameter 'b' is not bound; bound parameters: [a, l, n, o]");
    assertThatThrownBy(() -> Filters.parse("age > {n}", params))
        .hasMessageContaining("template parameter 'n': null is not a filter constant; use 'is null' to test for null");
    assertThatThrownBy(() -> Filters.parse("age in [{l}]", params))
        .hasMessageContaining("template parameter {l} is a list; a list element must be a single constant");
    assertThatThrownBy(() -> Filters.parse("age in {a}", params))
        .hasMessageContaining("template parameter {a} must be a list here, got 1");
    assertThatThrownBy(() -> Filters.parse("age > {o}", params))
        .hasMessageContaining("template parameter 'o': a filter constant is a number, string or boolean, not Object");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "name > 3               | 5  | name   | field 'name' (VARCHAR(64)) cannot be compared with the number 3",
      "3 < name               | 2  | name   | the number 3 cannot be compared with field 'name' (VARCHAR(64))",
      "age == \"3\"           | 4  | age    | field 'age' (INT32) cannot be compared with the string \"3\"",
      "active < true          | 7  | active | field 'active' (BOOL) supports only == and !=, not '<'",
      "active == 1            | 7  | active | field 'active' (BOOL) cannot be compared with the number 1",
      "age like \"1%\"        | 4  | age    | 'like' needs a VARCHAR field or a JSON value, but field 'age' (INT32) is not a string",
      "name + 1 > 2           | 5  | name   | arithmetic '+' needs numbers, but field 'name' (VARCHAR(64)) is not",
      "active * 2 > 2         | 7  | active | arithmetic '*' needs numbers, but field 'active' (BOOL) is not",
      "price % 2 == 0         | 6  | price  | '%' needs integers, but field 'price' (FLOAT) is floating-point",
      "age / 0 > 1            | 4  | age    | division by zero",
      "age in [1, \"a\"]      | 7  | age    | the 'in' list mixes incompatible types: the number 1 and the string \"a\"",
      "name in [1, 2]         | 8  | name   | field 'name' (VARCHAR(64)) cannot be compared with the number 1 in the 'in' list",
      "agee > 3               | 0  | agee   | unknown field 'agee'; the schema has [id, vec, age, score, price, weight, name, active, meta] and no dynamic field",
      "Age > 3                | 0  | Age    | unknown field 'Age' (field names are case-sensitive: did you mean 'age'?); the schema has [id, vec, age, score, price, weight, name, active, meta] and no dynamic field",
      "vec > 1                | 0  | vec    | field 'vec' is FLOAT_VECTOR(2); vector fields cannot be filtered on",
      "vec is null            | 0  | vec    | field 'vec' is FLOAT_VECTOR(2); vector fields cannot be filtered on",
      "age[\"a\"] > 1         | 0  | age    | field 'age' is INT32; only JSON fields take a path like age[\"a\"]",
      "$meta[\"a\"] > 1       | 0  | $meta  | the schema has no dynamic field, so $meta does not exist",
      "age                    | 0  | age    | field 'age' (INT32) is used as a condition on its own, which only a BOOL field can be",
      "json_contains(name, 1) | 0  | name   | json_contains needs a JSON field or a path into one, but got field 'name' (VARCHAR(64))",
      "name like \"ab\\\\\"   | 5  | name   | the like pattern \"ab\\\" ends with an unfinished escape '\\'",
      "meta[\"a\"] < true     | 10 | meta   | booleans support only == and !=, not '<'",
      "age > 1 and nope == 1  | 12 | nope   | unknown field 'nope'; the schema has [id, vec, age, score, price, weight, name, active, meta] and no dynamic field",
      "false and nope == 1    | 10 | nope   | unknown field 'nope'; the schema has [id, vec, age, score, price, weight, name, active, meta] and no dynamic field",
  })
  void typeErrors(String text, int position, String field, String reason) {
    String expr = text.strip();
    assertThatThrownBy(() -> Filters.parse(expr, SCHEMA))
        .isInstanceOfSatisfying(FilterException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.position()).isEqualTo(position);
          assertThat(e.getMessage()).isEqualTo("Invalid filter at position " + position + ": " + reason + "\n  " + expr
              + "\n  " + " ".repeat(position) + "^");
        });
  }

  @Test
  void dynamicKeysAreTypedPerRowSoTheyPassBinding() {
    assertThat(Filters.parse("color > 3 and color like \"r%\" and color + 1 > 2", DYNAMIC).expression())
        .hasToString("$meta[\"color\"] > 3 and $meta[\"color\"] like \"r%\" and $meta[\"color\"] + 1 > 2");
    assertThatThrownBy(() -> Filters.parse("color < false", DYNAMIC))
        .isInstanceOfSatisfying(FilterException.class, e -> assertThat(e.field()).isEqualTo("color"));
    assertThatThrownBy(() -> Filters.parse("vec > 1", DYNAMIC)).hasMessageContaining("vector fields cannot be filtered on");
  }

  @Test
  void treesBuiltInCodeQuoteTheFilterInstead() {
    assertThatThrownBy(() -> Filters.gt("name", 3).bind(SCHEMA))
        .isInstanceOfSatisfying(FilterException.class, e -> {
          assertThat(e.position()).isEqualTo(-1);
          assertThat(e.field()).isEqualTo("name");
          assertThat(e.getMessage())
              .isEqualTo("Invalid filter 'name > 3': field 'name' (VARCHAR(64)) cannot be compared with the number 3");
        });
    assertThatThrownBy(() -> Filters.parse("name > 3").bind(SCHEMA)).hasMessageStartingWith("Invalid filter 'name > 3'");
  }

  @Test
  void factoriesRefuseBadConstants() {
    assertThatThrownBy(() -> Filters.eq("age", null))
        .isInstanceOfSatisfying(FilterException.class, e -> assertThat(e.field()).isEqualTo("age"))
        .hasMessageContaining("null is not a filter constant");
    assertThatThrownBy(() -> Filters.eq("weight", Double.NaN)).hasMessageContaining("NaN and infinite constants");
    assertThatThrownBy(() -> Filters.eq("age", new java.util.Date())).hasMessageContaining("not Date");
    assertThatThrownBy(() -> Filters.in("age", List.of(List.of(1)))).hasMessageContaining("nested lists");
    assertThatThrownBy(() -> Filters.field("")).hasMessageContaining("must not be null or empty");
    assertThatThrownBy(() -> Filters.field("meta", -1)).hasMessageContaining("bad JSON path");
    assertThatThrownBy(() -> Filters.parse(null)).hasMessageContaining("the filter text is null");
  }
}
