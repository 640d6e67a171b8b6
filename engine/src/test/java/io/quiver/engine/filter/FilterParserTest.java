package io.quiver.engine.filter;

import static io.quiver.engine.filter.Filters.field;
import static io.quiver.engine.filter.Filters.literal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilterParserTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "age > 3",
      "age == 3 and name != \"bob\"",
      "age < 3 or age >= 10 and score <= 2",
      "(age < 3 or age >= 10) and score <= 2",
      "not (age > 3)",
      "not not active",
      "age in [1, 2, 3]",
      "name not in [\"a\", \"b\"]",
      "name like \"ab%\"",
      "name like \"a\\\\%b\"",
      "meta[\"a\"][\"b\"] > 1",
      "meta[\"arr\"][0] == -2.5",
      "$meta[\"color\"] == \"red\"",
      "age is null or score is not null",
      "json_contains(meta[\"tags\"], \"x\")",
      "json_contains(meta[\"tags\"], [1, \"a\"])",
      "json_contains_all(meta[\"tags\"], [\"x\", \"y\"])",
      "json_contains_any(meta[\"tags\"], [])",
      "price * 2 > 10",
      "age % 2 == 0",
      "(age + 1) * 2 == score - 3 - 1",
      "age - (score - 1) < 0",
      "0 - age > 3",
      "true",
      "not false",
      "weight > 1.0E-5",
      "weight > -0.0",
      "score == -9223372036854775808",
      "name == \"tab\\tquote\\\"back\\\\slash\\u0001\"",
  })
  void printsReparsableText(String text) {
    Filter f = Filters.parse(text);
    assertThat(Filters.parse(f.toString())).as("reparsed %s", f).isEqualTo(f);
  }

  @Test
  void printsCanonicalText() {
    assertThat(Filters.parse("age>3 AND name=='x'")).hasToString("age > 3 and name == \"x\"");
    assertThat(Filters.parse("a || b && c")).hasToString("a == true or (b == true and c == true)");
    assertThat(Filters.parse("!(age <> 3)")).hasToString("not (age != 3)");
    assertThat(Filters.parse("age IS NOT NULL")).hasToString("age is not null");
    assertThat(Filters.parse("ARRAY_CONTAINS_ANY(tags, [1,2,])")).hasToString("json_contains_any(tags, [1, 2])");
  }

  @Test
  void andBindsTighterThanOr() {
    Filter f = Filters.parse("age == 1 or age == 2 and age == 3");
    assertThat(f).isEqualTo(Filters.or(Filters.eq("age", 1),
        Filters.and(Filters.eq("age", 2), Filters.eq("age", 3))));
  }

  @Test
  void nestedAndsAndOrsFlatten() {
    assertThat(Filters.parse("(a == 1 and b == 2) and c == 3"))
        .isEqualTo(Filters.and(Filters.eq("a", 1), Filters.eq("b", 2), Filters.eq("c", 3)));
    assertThat(((Filter.Or) Filters.parse("a == 1 or (b == 2 or c == 3)")).children()).hasSize(3);
  }

  @Test
  void notBindsTighterThanAnd() {
    Filter f = Filters.parse("not active and age > 1");
    assertThat(f).isEqualTo(Filters.and(Filters.not(Filters.eq("active", true)), Filters.gt("age", 1)));
  }

  @Test
  void multiplicationBindsTighterThanAdditionAndIsLeftAssociative() {
    Filter f = Filters.parse("age + score * 2 > 1");
    Operand left = Filters.arith(field("age"), ArithOp.ADD, Filters.arith(field("score"), ArithOp.MUL, literal(2)));
    assertThat(f).isEqualTo(Filters.compare(left, CompareOp.GT, literal(1)));
    Filter g = Filters.parse("age - score - 1 > 0");
    Operand sub = Filters.arith(Filters.arith(field("age"), ArithOp.SUB, field("score")), ArithOp.SUB, literal(1));
    assertThat(g).isEqualTo(Filters.compare(sub, CompareOp.GT, literal(0)));
  }

  @Test
  void foldsConstantArithmetic() {
    assertThat(Filters.parse("age > 1 + 2 * 3")).isEqualTo(Filters.gt("age", 7));
    assertThat(Filters.parse("age > -(2 - 5)")).isEqualTo(Filters.gt("age", 3));
    assertThat(Filters.parse("age > 7 / 2")).isEqualTo(Filters.gt("age", 3));
    assertThat(Filters.parse("age > -7 % 3")).isEqualTo(Filters.gt("age", -1));
    assertThat(Filters.parse("age > 1.5 * 2")).isEqualTo(Filters.gt("age", 3.0));
  }

  @Test
  void chainedComparisonsBecomeAnAnd() {
    assertThat(Filters.parse("1 < age <= 10"))
        .isEqualTo(Filters.and(Filters.compare(literal(1), CompareOp.LT, field("age")), Filters.le("age", 10)));
    assertThat(Filters.parse("10 >= age > 1"))
        .isEqualTo(Filters.and(Filters.compare(literal(10), CompareOp.GE, field("age")), Filters.gt("age", 1)));
  }

  @Test
  void everyComparisonOperator() {
    for (CompareOp op : CompareOp.values()) {
      assertThat(Filters.parse("age " + op.symbol() + " 3")).isEqualTo(Filters.compare("age", op, 3));
    }
    assertThat(Filters.parse("age <> 3")).isEqualTo(Filters.ne("age", 3));
  }

  @Test
  void keywordsInBothCasesAndSymbols() {
    Filter expected = Filters.or(Filters.and(Filters.eq("a", 1), Filters.not(Filters.eq("b", 2))),
        Filters.in("c", List.of(1L)));
    assertThat(Filters.parse("a == 1 and not (b == 2) or c in [1]")).isEqualTo(expected);
    assertThat(Filters.parse("a == 1 AND NOT (b == 2) OR c IN [1]")).isEqualTo(expected);
    assertThat(Filters.parse("a == 1 && !(b == 2) || c in [1]")).isEqualTo(expected);
    assertThat(Filters.parse("a NOT IN [1]")).isEqualTo(Filters.notIn("a", List.of(1)));
    assertThat(Filters.parse("name LIKE \"x%\"")).isEqualTo(Filters.like("name", "x%"));
  }

  @Test
  void literals() {
    assertThat(value("x == 42")).isEqualTo(42L);
    assertThat(value("x == 0x1F")).isEqualTo(31L);
    assertThat(value("x == -9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(value("x == 9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(value("x == 1.5")).isEqualTo(1.5);
    assertThat(value("x == .5")).isEqualTo(0.5);
    assertThat(value("x == 1e3")).isEqualTo(1000.0);
    assertThat(value("x == 2.5E-3")).isEqualTo(0.0025);
    assertThat(value("x == -0.0")).isEqualTo(-0.0);
    assertThat(value("x == +4")).isEqualTo(4L);
    assertThat(value("x == true")).isEqualTo(true);
    assertThat(value("x == True")).isEqualTo(true);
    assertThat(value("x == FALSE")).isEqualTo(false);
    assertThat(value("x == 'single \"quoted\"'")).isEqualTo("single \"quoted\"");
    assertThat(value("x == \"double 'quoted'\"")).isEqualTo("double 'quoted'");
    assertThat(value("x == 'it\\'s'")).isEqualTo("it's");
    assertThat(value("x == \"a\\nb\\tc\\\\d\\u00e9\\/\"")).isEqualTo("a\nb\tc\\d\u00e9/");
    assertThat(value("x == \"keeps \\% and \\_\"")).isEqualTo("keeps \\% and \\_");
    assertThat(value("x == \"\"")).isEqualTo("");
  }

  @Test
  void blankTextIsAlwaysTrue() {
    assertThat(Filters.parse("")).isEqualTo(Filters.alwaysTrue());
    assertThat(Filters.parse("  \n ")).isEqualTo(Filters.alwaysTrue());
  }

  @Test
  void bareFieldsAndBooleanComparisonsOfConditions() {
    assertThat(Filters.parse("active")).isEqualTo(Filters.eq("active", true));
    assertThat(Filters.parse("meta[\"flag\"]"))
        .isEqualTo(Filters.compare(field("meta", "flag"), CompareOp.EQ, literal(true)));
    assertThat(Filters.parse("(age > 1) == false")).isEqualTo(Filters.not(Filters.gt("age", 1)));
    assertThat(Filters.parse("(age > 1) != false")).isEqualTo(Filters.gt("age", 1));
    assertThat(Filters.parse("true == (age > 1)")).isEqualTo(Filters.gt("age", 1));
  }

  @Test
  void jsonPathsAndFunctions() {
    assertThat(Filters.parse("meta[\"a\"][\"b\"] > 1"))
        .isEqualTo(Filters.compare(field("meta", "a", "b"), CompareOp.GT, literal(1)));
    assertThat(Filters.parse("meta['arr'][0] == 1"))
        .isEqualTo(Filters.compare(field("meta", "arr", 0), CompareOp.EQ, literal(1)));
    assertThat(Filters.parse("json_contains(meta[\"tags\"], \"x\")"))
        .isEqualTo(Filters.jsonContains(field("meta", "tags"), "x"));
    assertThat(Filters.parse("array_contains(tags, [1, 2])"))
        .isEqualTo(Filters.jsonContains(field("tags"), List.of(1, 2)));
    assertThat(Filters.parse("JSON_CONTAINS_ALL(tags, [\"a\"])"))
        .isEqualTo(Filters.jsonContainsAll(field("tags"), List.of("a")));
    assertThat(Filters.parse("array_contains_any(tags, {xs})", Map.of("xs", List.of(1, "b"))))
        .isEqualTo(Filters.jsonContainsAny(field("tags"), List.of(1, "b")));
  }

  @Test
  void templateParameters() {
    Map<String, Object> params = Map.of("min_age", 18, "tags", List.of("a", "b"), "name", "bob", "f", 1.5f,
        "ids", new long[] {1, 2});
    assertThat(Filters.parse("age > {min_age}", params)).isEqualTo(Filters.gt("age", 18L));
    assertThat(Filters.parse("tag in {tags}", params)).isEqualTo(Filters.in("tag", List.of("a", "b")));
    assertThat(Filters.parse("tag in [{name}, \"c\"]", params)).isEqualTo(Filters.in("tag", List.of("bob", "c")));
    assertThat(Filters.parse("name like {name}", params)).isEqualTo(Filters.like("name", "bob"));
    assertThat(Filters.parse("price < {f}", params)).isEqualTo(Filters.lt("price", 1.5));
    assertThat(Filters.parse("id in { ids }", params)).isEqualTo(Filters.in("id", List.of(1L, 2L)));
  }

  private static Object value(String text) {
    Filter.Compare c = (Filter.Compare) Filters.parse(text);
    return ((Operand.Literal) c.right()).value();
  }
}
