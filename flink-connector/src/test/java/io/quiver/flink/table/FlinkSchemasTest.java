package io.quiver.flink.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;

class FlinkSchemasTest {
  private static final CollectionSchema SCHEMA = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("emb", 3, MetricType.L2).varchar("tag", 8, true).scalar("score", DataType.FLOAT).build();

  private static List<Column> columns(Column... extra) {
    List<Column> cols = new java.util.ArrayList<>(List.of(Column.physical("id", DataTypes.BIGINT().notNull()),
        Column.physical("emb", DataTypes.ARRAY(DataTypes.FLOAT()))));
    cols.addAll(List.of(extra));
    return cols;
  }

  @Test
  void acceptsMappedTypesAndReadsRows() {
    FlinkSchemas.check("t", SCHEMA, columns(Column.physical("tag", DataTypes.STRING())), List.of("id"),
        Map.of("emb", 3));
    GenericRowData row = GenericRowData.of(7L, new GenericArrayData(new float[] {1, 2, 3}), StringData.fromString("x"));
    assertThat(FlinkSchemas.getter(SCHEMA.field("id"), 0).get(row)).isEqualTo(7L);
    assertThat((float[]) FlinkSchemas.getter(SCHEMA.field("emb"), 1).get(row)).containsExactly(1, 2, 3);
    assertThat(FlinkSchemas.getter(SCHEMA.field("tag"), 2).get(row)).isEqualTo("x");
    assertThat(FlinkSchemas.toFlinkType(SCHEMA.field("emb")).toString()).isEqualTo("ARRAY<FLOAT NOT NULL> NOT NULL");
  }

  @Test
  void refusesMismatchesNamingTheColumn() {
    assertThatThrownBy(() -> FlinkSchemas.check("t", SCHEMA, columns(), List.of("id"), Map.of("emb", 4)))
        .hasMessageContaining("vector column 'emb' is declared with dimension 4").hasMessageContaining("FLOAT_VECTOR(3)");
    assertThatThrownBy(() -> FlinkSchemas.check("t", SCHEMA, columns(Column.physical("score", DataTypes.DOUBLE())),
        List.of("id"), Map.of())).hasMessageContaining("column 'score' has type DOUBLE").hasMessageContaining("FLOAT");
    assertThatThrownBy(() -> FlinkSchemas.check("t", SCHEMA, columns(Column.physical("nope", DataTypes.INT())),
        List.of("id"), Map.of())).hasMessageContaining("column 'nope' is not a field");
    assertThatThrownBy(() -> FlinkSchemas.check("t", SCHEMA, columns(), List.of(), Map.of()))
        .hasMessageContaining("primary key [] must be the collection's primary key [id]");
    assertThatThrownBy(() -> FlinkSchemas.check("t", SCHEMA, List.of(Column.physical("id", DataTypes.BIGINT())),
        List.of("id"), Map.of())).hasMessageContaining("field 'emb' (FLOAT_VECTOR(3)) is required");
  }
}
