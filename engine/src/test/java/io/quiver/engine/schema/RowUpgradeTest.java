package io.quiver.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowUpgradeTest {
  private final CollectionSchema v1 = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("emb", 2, MetricType.L2).varchar("tag", 8, true).version(1).build();

  /** v1 + a nullable field, a defaulted field; "tag" renamed (same id). */
  private CollectionSchema v2() {
    List<FieldSchema> f = v1.fields();
    return CollectionSchema.builder().add(f.get(0)).add(f.get(1))
        .add(FieldSchema.builder("label", DataType.VARCHAR).id(f.get(2).id()).maxLength(8).nullable(true).build())
        .add(FieldSchema.builder("note", DataType.VARCHAR).maxLength(16).nullable(true).build())
        .add(FieldSchema.builder("year", DataType.INT32).defaultValue(2000).build())
        .version(2).build();
  }

  @Test
  void addedFieldsBecomeNullOrTheirDefaultAndRenamedFieldsKeepTheirValues() {
    Row old = Row.of(v1, Map.of("id", 7L, "emb", new float[] {1f, 2f}, "tag", "a"));
    Row up = RowUpgrade.of(v1, v2()).apply(old);
    assertThat(up).isEqualTo(new Row(new Object[] {7L, new float[] {1f, 2f}, "a", null, 2000}, null));
  }

  @Test
  void droppedFieldsAreLeftOut() {
    CollectionSchema v2 = CollectionSchema.builder().add(v1.fields().get(0)).add(v1.fields().get(1)).version(2)
        .build();
    Row up = RowUpgrade.of(v1, v2).apply(Row.of(v1, Map.of("id", 1L, "emb", new float[] {0f, 1f}, "tag", "x")));
    assertThat(up).isEqualTo(new Row(new Object[] {1L, new float[] {0f, 1f}}, null));
  }

  @Test
  void refusesANewRequiredFieldWithoutDefaultNamingIt() {
    CollectionSchema v2 = CollectionSchema.builder().add(v1.fields().get(0)).add(v1.fields().get(1))
        .add(v1.fields().get(2)).add(FieldSchema.builder("year", DataType.INT32).build()).version(2).build();
    assertThatThrownBy(() -> RowUpgrade.of(v1, v2)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("'year'").hasMessageContaining("neither nullable nor with a default");
  }

  @Test
  void refusesATypeChangeAndValuesTheNewConstraintsRefuse() {
    CollectionSchema retyped = CollectionSchema.builder().add(v1.fields().get(0)).add(v1.fields().get(1))
        .add(FieldSchema.builder("tag", DataType.JSON).id(v1.fields().get(2).id()).nullable(true).build())
        .version(2).build();
    assertThatThrownBy(() -> RowUpgrade.of(v1, retyped)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("'tag'").hasMessageContaining("type changed from VARCHAR");

    CollectionSchema shorter = CollectionSchema.builder().add(v1.fields().get(0)).add(v1.fields().get(1))
        .add(v1.fields().get(2).toBuilder().maxLength(2).build()).version(2).build();
    RowUpgrade u = RowUpgrade.of(v1, shorter);
    assertThat(u.apply(Row.of(v1, Map.of("id", 1L, "emb", new float[] {0f, 1f}, "tag", "ab"))).get(2))
        .isEqualTo("ab");
    assertThatThrownBy(() -> u.apply(Row.of(v1, Map.of("id", 1L, "emb", new float[] {0f, 1f}, "tag", "abc"))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("'tag'");
  }
}
