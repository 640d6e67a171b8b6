package io.quiver.engine.filter;

import static io.quiver.engine.filter.Filters.field;
import static io.quiver.engine.filter.Filters.literal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The factory API adapters use, binding, and the helpers on {@link BoundFilter}. */
class FiltersTest {
  private static final CollectionSchema SCHEMA = TestSegment.schema(false);
  private static final CollectionSchema DYNAMIC = TestSegment.schema(true);

  @Test
  void factoriesBuildWhatTheParserBuilds() {
    assertThat(Filters.eq("age", 3)).isEqualTo(Filters.parse("age == 3"));
    assertThat(Filters.ne("name", "x")).isEqualTo(Filters.parse("name != \"x\""));
    assertThat(Filters.lt("weight", 1.5)).isEqualTo(Filters.parse("weight < 1.5"));
    assertThat(Filters.le("age", (short) 3)).isEqualTo(Filters.parse("age <= 3"));
    assertThat(Filters.gt("price", 2.5f)).isEqualTo(Filters.parse("price > 2.5"));
    assertThat(Filters.ge("active", true)).isEqualTo(Filters.parse("active >= true"));
    assertThat(Filters.in("age", List.of(1, 2L))).isEqualTo(Filters.parse("age in [1, 2]"));
    assertThat(Filters.in("age", new ArrayList<>())).isEqualTo(Filters.parse("age in []"));
    assertThat(Filters.notIn("name", List.of("a"))).isEqualTo(Filters.parse("name not in [\"a\"]"));
    assertThat(Filters.isNull("age")).isEqualTo(Filters.parse("age is null"));
    assertThat(Filters.isNotNull("age")).isEqualTo(Filters.parse("age is not null"));
    assertThat(Filters.like("name", "a%")).isEqualTo(Filters.parse("name like \"a%\""));
    assertThat(Filters.not(Filters.eq("age", 1))).isEqualTo(Filters.parse("not (age == 1)"));
    assertThat(Filters.compare(Filters.arith(field("age"), ArithOp.MOD, literal(2)), CompareOp.EQ, literal(0)))
        .isEqualTo(Filters.parse("age % 2 == 0"));
    assertThat(Filters.jsonContainsAny(field("meta", "tags"), List.of("a", 1)))
        .isEqualTo(Filters.parse("json_contains_any(meta[\"tags\"], [\"a\", 1])"));
    assertThat(Filters.jsonContains(field("meta", "tags"), new int[] {1, 2}))
        .isEqualTo(Filters.parse("json_contains(meta[\"tags\"], [1, 2])"));
  }

  @Test
  void andOrTakeAnyNumberOfChildren() {
    Filter a = Filters.eq("age", 1);
    assertThat(Filters.and()).isEqualTo(Filters.alwaysTrue());
    assertThat(Filters.or()).isEqualTo(Filters.alwaysFalse());
    assertThat(Filters.and(a)).isSameAs(a);
    assertThat(Filters.or(List.of(a))).isSameAs(a);
    assertThat(Filters.and(a, Filters.and(a, a))).isEqualTo(new Filter.And(List.of(a, a, a)));
    assertThatThrownBy(() -> new Filter.Or(List.of(a))).hasMessageContaining("at least two children");
  }

  @Test
  void stringHelpersEscapeWildcards() {
    assertThat(Filters.startsWith("name", "50%_")).isEqualTo(Filters.like("name", "50\\%\\_%"));
    assertThat(Filters.endsWith("name", "a\\b")).isEqualTo(Filters.like("name", "%a\\\\b"));
    assertThat(Filters.containsString("name", "x")).isEqualTo(Filters.like("name", "%x%"));
    BoundFilter f = Filters.startsWith("name", "50%_").bind(SCHEMA);
    assertThat(f.test(Map.of("name", "50%_off"))).isTrue();
    assertThat(f.test(Map.of("name", "500_off"))).isFalse();
  }

  @Test
  void bindingCanonicalizes() {
    assertThat(Filters.parse("3 < age", SCHEMA).expression()).isEqualTo(Filters.gt("age", 3));
    assertThat(Filters.parse("price == 0.1", SCHEMA).expression())
        .isEqualTo(Filters.compare(field("price"), CompareOp.EQ, literal((double) 0.1f)));
    assertThat(Filters.parse("age > 1 and true", SCHEMA).expression()).isEqualTo(Filters.gt("age", 1));
    assertThat(Filters.parse("age > 1 or 2 > 1", SCHEMA).isAlwaysTrue()).isTrue();
    assertThat(Filters.parse("not (1 == 1)", SCHEMA).expression()).isEqualTo(Filters.alwaysFalse());
    Filter fromCode = Filters.compare(Filters.arith(literal(2), ArithOp.MUL, literal(3)), CompareOp.LT, field("age"));
    assertThat(fromCode.bind(SCHEMA).expression()).isEqualTo(Filters.gt("age", 6));
    assertThat(Filters.eq("color", "red").bind(DYNAMIC)).hasToString("$meta[\"color\"] == \"red\"");
    assertThat(Filters.compare(field("color", "x", 0), CompareOp.EQ, literal(1)).bind(DYNAMIC))
        .hasToString("$meta[\"color\"][\"x\"][0] == 1");
    BoundFilter bound = Filters.parse("color == \"red\"", DYNAMIC);
    assertThat(bound.expression().bind(DYNAMIC).expression()).as("binding is idempotent").isEqualTo(bound.expression());
  }

  @Test
  void namesThatAreNotIdentifiersPrintAsDynamicKeys() {
    Filter f = Filters.eq("my key", 1);
    assertThat(f).hasToString("$meta[\"my key\"] == 1");
    assertThat(f.bind(DYNAMIC).expression()).isEqualTo(Filters.parse(f.toString(), DYNAMIC).expression());
  }

  @Test
  void columnsListsWhatTheFilterReads() {
    BoundFilter f = Filters.parse("age > 1 and color == \"red\" and meta[\"a\"] == 1 or size * age > 2", DYNAMIC);
    assertThat(f.columns()).containsExactly("age", "$meta", "meta");
  }

  @Test
  void primaryKeyCandidates() {
    assertThat(pks(SCHEMA, "id == 3")).containsExactly(3L);
    assertThat(pks(SCHEMA, "id in [1, 2] and age > 1")).containsExactly(1L, 2L);
    assertThat(pks(SCHEMA, "id == 1 or id in [2, 3]")).containsExactly(1L, 2L, 3L);
    assertThat(pks(SCHEMA, "id in [1, 2] and id in [2, 3]")).containsExactly(2L);
    assertThat(pks(SCHEMA, "id == 2.0")).containsExactly(2L);
    assertThat(pks(SCHEMA, "id == 2.5")).isEmpty();
    assertThat(pks(SCHEMA, "id in {ids}")).containsExactly(7L, 8L);
    assertThat(pks(SCHEMA, "id == 1 or age > 1")).isNull();
    assertThat(pks(SCHEMA, "not (id == 1)")).isNull();
    assertThat(pks(SCHEMA, "id not in [1]")).isNull();
    assertThat(pks(SCHEMA, "id > 1")).isNull();
    assertThat(pks(SCHEMA, "age == 1")).isNull();
    CollectionSchema strings = CollectionSchema.builder().varcharPrimaryKey("pk", 16).vector("v", 2, MetricType.IP)
        .scalar("n", DataType.INT64).build();
    assertThat(pks(strings, "pk in [\"a\", \"b\"] or pk == \"c\"")).containsExactly("a", "b", "c");
  }

  @Test
  void exactPrimaryKeysOnlyForFiltersThatAreNothingButKeys() {
    assertThat(exact("id == 3")).containsExactly(3L);
    assertThat(exact("id == 1 or id in [2, 3]")).containsExactly(1L, 2L, 3L);
    assertThat(exact("id in {ids}")).containsExactly(7L, 8L);
    assertThat(exact("id == 2.5")).as("no key can equal it: nothing matches").isEmpty();
    assertThat(exact("id in [1, 2] and age > 1")).as("other fields decide too").isNull();
    assertThat(exact("id in [1, 2] and id in [2, 3]")).isNull();
    assertThat(exact("id == 1 or age > 1")).isNull();
    assertThat(exact("id not in [1]")).isNull();
    assertThat(exact("not (id == 1)")).isNull();
    assertThat(exact("id > 1")).isNull();
    assertThat(exact("age == 1")).isNull();
  }

  private static java.util.Set<Object> exact(String text) {
    return Filters.parse(text, SCHEMA, Map.of("ids", List.of(7, 8))).exactPrimaryKeys();
  }

  @Test
  void rowTestOnUserMaps() {
    BoundFilter f = Filters.parse("age > 10 and color == \"red\" and meta[\"k\"] == 1", DYNAMIC);
    assertThat(f.test(Map.of("age", 20, "color", "red", "meta", Map.of("k", 1)))).isTrue();
    assertThat(f.test(Map.of("age", 20, "$meta", "{\"color\":\"red\"}", "meta", "{\"k\":1}"))).isTrue();
    assertThat(f.test(Map.of("age", 20, "color", "blue", "meta", Map.of("k", 1)))).isFalse();
    assertThat(f.test(Map.of("color", "red", "meta", Map.of("k", 1)))).as("age missing: UNKNOWN").isFalse();
    Row row = Row.of(DYNAMIC, Map.of("id", 1L, "vec", new float[] {0, 0}, "age", 11, "color", "red", "meta",
        Map.of("k", 1)));
    assertThat(f.test(row)).isTrue();
  }

  @Test
  void treesAreSerializableAndImmutable() throws Exception {
    Filter f = Filters.parse("age > 1 and (name like \"a%\" or meta[\"x\"][0] in [1, \"b\"]) and not (w is null)"
        + " and json_contains(t, [1, 2]) and a * 2 + 1 < 5");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(f);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(f);
    }
    List<Object> values = new ArrayList<>(List.of(1L, 2L));
    Filter.In in = new Filter.In(field("age"), values, false);
    values.add(3L);
    assertThat(in.values()).containsExactly(1L, 2L);
    assertThatThrownBy(() -> in.values().add(4L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void recordsRefuseNonCanonicalValues() {
    assertThatThrownBy(() -> new Operand.Literal(3)).hasMessageContaining("not 3 (Integer)");
    assertThatThrownBy(() -> new Operand.Literal(Double.NaN)).hasMessageContaining("finite");
    assertThatThrownBy(() -> new Filter.In(field("a"), List.of(List.of(1L)), false)).hasMessageContaining("'in' list");
    assertThatThrownBy(() -> new Filter.Contains(field("a"), Filter.Contains.Mode.CONTAINS, List.of(1L, 2L)))
        .hasMessageContaining("exactly one value");
  }

  private static java.util.Set<Object> pks(CollectionSchema schema, String text) {
    return Filters.parse(text, schema, Map.of("ids", List.of(7, 8))).primaryKeyCandidates();
  }
}
