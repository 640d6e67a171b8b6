package io.quiver.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.testing.TestData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SchemaValidationTest {
  private final CollectionSchema schema = TestData.docs(4);

  private Map<String, Object> good() {
    return new HashMap<>(TestData.docMap(1, 4, new Random(1)));
  }

  @Test
  void fieldIdsAreAssignedInOrder() {
    assertThat(schema.fields()).extracting(FieldSchema::id).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(schema.primaryKey().name()).isEqualTo("id");
    assertThat(schema.vectorFields()).extracting(FieldSchema::name).containsExactly("emb");
  }

  @Test
  void refusesBadSchemas() {
    assertThatThrownBy(() -> CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 4, MetricType.L2)
        .scalar("ID", DataType.INT32).build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("'ID'").hasMessageContaining("duplicate field name");
    assertThatThrownBy(() -> CollectionSchema.builder().vector("v", 4, MetricType.L2).build())
        .hasMessageContaining("primary key");
    assertThatThrownBy(() -> CollectionSchema.builder().int64PrimaryKey("id", false).build())
        .hasMessageContaining("FLOAT_VECTOR");
    assertThatThrownBy(() -> FieldSchema.vector("v", 0, MetricType.L2))
        .hasMessageContaining("'v'").hasMessageContaining("dimension must be between 1 and 32768");
    assertThatThrownBy(() -> FieldSchema.builder("v", DataType.FLOAT_VECTOR).dim(8).build())
        .hasMessageContaining("needs a metric");
    assertThatThrownBy(() -> FieldSchema.builder("t", DataType.VARCHAR).build())
        .hasMessageContaining("max_length");
    assertThatThrownBy(() -> FieldSchema.builder("pk", DataType.DOUBLE).primaryKey(true).build())
        .hasMessageContaining("INT64 or VARCHAR");
    assertThatThrownBy(() -> FieldSchema.builder("1abc", DataType.INT32).build()).hasMessageContaining("'1abc'");
    assertThatThrownBy(() -> FieldSchema.builder("__seq", DataType.INT64).build()).hasMessageContaining("reserved");
    assertThatThrownBy(() -> FieldSchema.builder("n", DataType.INT32).defaultValue("x").build())
        .hasMessageContaining("'n'").hasMessageContaining("expected INT32");
  }

  @Test
  void validRowIsNormalized() {
    Map<String, Object> in = good();
    in.put("year", 2001L);
    in.put("emb", List.of(1, 2.5, 3, 4));
    in.remove("title");
    Row row = Row.of(schema, in);
    assertThat(row.get(schema.position("year"))).isEqualTo(2001);
    assertThat((float[]) row.get(schema.position("emb"))).containsExactly(1f, 2.5f, 3f, 4f);
    assertThat(row.get(schema.position("title"))).isNull();
  }

  @Test
  void missingFieldTakesItsDefault() {
    Map<String, Object> in = good();
    in.remove("year");
    assertThat(Row.of(schema, in).get(schema.position("year"))).isEqualTo(2000);
  }

  @Test
  void undeclaredKeysGoToTheDynamicField() {
    Map<String, Object> in = good();
    in.put("color", "red");
    in.put("n", 3);
    assertThat(Row.of(schema, in).meta()).isEqualTo("{\"color\":\"red\",\"n\":3}");
  }

  @Test
  void wrongDimensionIsRefused() {
    Map<String, Object> in = good();
    in.put("emb", new float[] {1, 2, 3});
    assertThatThrownBy(() -> Row.of(schema, in)).isInstanceOf(ValidationException.class)
        .hasMessage("Invalid value for field 'emb' (float[3]): dimension 3 does not match FLOAT_VECTOR(4)");
  }

  @Test
  void nanIsRefused() {
    Map<String, Object> in = good();
    in.put("emb", new float[] {1, Float.NaN, 3, 4});
    assertThatThrownBy(() -> Row.of(schema, in)).hasMessageContaining("'emb'").hasMessageContaining("element 1 is NaN");
  }

  @Test
  void missingPrimaryKeyIsRefused() {
    Map<String, Object> in = good();
    in.remove("id");
    assertThatThrownBy(() -> Row.of(schema, in)).hasMessageContaining("'id'").hasMessageContaining("primary key is missing");
  }

  @Test
  void nullInNonNullableFieldIsRefused() {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.IP)
        .varchar("name", 10, false).build();
    Map<String, Object> in = new HashMap<>();
    in.put("id", 1L);
    in.put("v", new float[] {1, 2});
    in.put("name", null);
    assertThatThrownBy(() -> Row.of(s, in)).hasMessageContaining("'name'").hasMessageContaining("not nullable");
  }

  @Test
  void unknownFieldIsRefusedWithoutDynamicField() {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.IP).build();
    assertThatThrownBy(() -> Row.of(s, Map.of("id", 1L, "v", new float[] {1, 2}, "colour", "red")))
        .hasMessageContaining("'colour'").hasMessageContaining("'red'").hasMessageContaining("unknown field")
        .hasMessageContaining("[id, v]");
  }

  @Test
  void varcharOverMaxLengthIsRefused() {
    Map<String, Object> in = good();
    in.put("title", "x".repeat(65));
    assertThatThrownBy(() -> Row.of(schema, in)).hasMessageContaining("'title'")
        .hasMessageContaining("length 65 bytes exceeds VARCHAR max_length 64");
    in.put("title", "é".repeat(33)); // 66 UTF-8 bytes
    assertThatThrownBy(() -> Row.of(schema, in)).hasMessageContaining("66 bytes");
  }

  @Test
  void wrongTypesAreRefused() {
    Map<String, Object> in = good();
    in.put("year", "nineteen");
    assertThatThrownBy(() -> Row.of(schema, in)).hasMessageContaining("'year'").hasMessageContaining("expected INT32 but got String");
    in.put("year", 1L << 40);
    assertThatThrownBy(() -> Row.of(schema, in)).hasMessageContaining("out of range for INT32");
    Map<String, Object> in2 = good();
    in2.put("tags", "{not json");
    assertThatThrownBy(() -> Row.of(schema, in2)).hasMessageContaining("'tags'").hasMessageContaining("not valid JSON");
  }

  @Test
  void autoIdMustNotBeSupplied() {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", true).vector("v", 2, MetricType.IP).build();
    assertThat(Row.of(s, Map.of("v", new float[] {1, 2})).get(0)).isNull();
    assertThatThrownBy(() -> Row.of(s, Map.of("id", 5L, "v", new float[] {1, 2}))).hasMessageContaining("auto id");
  }

  @Test
  void avroArrowAndJsonMappingsRoundTrip() {
    CollectionSchema s = CollectionSchema.builder()
        .varcharPrimaryKey("pk", 36)
        .vector("a", 8, MetricType.COSINE)
        .vector("b", 3, MetricType.IP)
        .add(FieldSchema.builder("cat", DataType.VARCHAR).maxLength(10).partitionKey(true).build())
        .add(FieldSchema.builder("n", DataType.INT64).nullable(true).defaultValue(7L).description("a number").build())
        .scalar("j", DataType.JSON)
        .dynamicField(true).version(3).description("things").build();
    assertThat(AvroSchemas.fromAvro(AvroSchemas.rowSchema(s))).isEqualTo(s);
    assertThat(AvroSchemas.fromAvro(AvroSchemas.segmentSchema(s))).isEqualTo(s);
    assertThat(ArrowSchemas.fromArrow(ArrowSchemas.toArrow(s))).isEqualTo(s);
    assertThat(SchemaParser.fromJson(SchemaParser.toJson(s))).isEqualTo(s);
    assertThat(ArrowSchemas.toArrow(s).findField("a").getType().toString()).isEqualTo("FixedSizeList(8)");
  }
}
