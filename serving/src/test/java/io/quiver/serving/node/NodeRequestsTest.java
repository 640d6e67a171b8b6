package io.quiver.serving.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.serving.internal.GetBody;
import io.quiver.serving.internal.NodeField;
import io.quiver.serving.internal.QueryBody;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The internal protocol's bodies and fields: every value comes back in the engine's type and exactly (vector floats
 * bit for bit), dynamic keys as the JSON values they were, nulls as null, and a hit's primary key travels outside.
 */
class NodeRequestsTest {
  static final CollectionSchema SCHEMA = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("vec", 4, MetricType.L2).scalar("ok", DataType.BOOL).scalar("n", DataType.INT32)
      .scalar("f", DataType.FLOAT).scalar("d", DataType.DOUBLE).varchar("tag", 16, true)
      .scalar("doc", DataType.JSON).dynamicField(true).build();

  @Test
  void fieldsComeBackInTheirTypesExactly() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 42L);
    row.put("vec", new float[] {-0.0f, Float.MIN_VALUE, 1.1f, -3.4028235e38f});
    row.put("ok", true);
    row.put("n", -7);
    row.put("f", 0.1f);
    row.put("d", 1e-300);
    row.put("tag", null);
    row.put("doc", "{\"a\": [1, 2.5, \"x\"]}");
    row.put("color", "red"); // keys of the dynamic field
    row.put("size", Map.of("w", 3, "h", List.of(1.5, true)));

    Map<String, Object> back = NodeRequests.fields(NodeRequests.toFields(row, SCHEMA, null));

    assertThat(back.keySet()).containsExactlyElementsOf(row.keySet());
    assertThat(back.get("id")).isEqualTo(42L);
    float[] v = (float[]) back.get("vec");
    float[] want = (float[]) row.get("vec");
    for (int i = 0; i < want.length; i++) {
      assertThat(Float.floatToRawIntBits(v[i])).as("element %s", i).isEqualTo(Float.floatToRawIntBits(want[i]));
    }
    assertThat(back.get("ok")).isEqualTo(true);
    assertThat(back.get("n")).isEqualTo(-7);
    assertThat(back.get("f")).isEqualTo(0.1f);
    assertThat(back.get("d")).isEqualTo(1e-300);
    assertThat(back).containsEntry("tag", null);
    assertThat(back.get("doc")).isEqualTo("{\"a\": [1, 2.5, \"x\"]}");
    assertThat(back.get("color")).isEqualTo("red");
    assertThat(back.get("size")).isEqualTo(Map.of("w", 3, "h", List.of(1.5, true)));
  }

  @Test
  void aHitsPrimaryKeyTravelsOutsideItsFields() {
    Map<String, Object> hit = new HashMap<>();
    hit.put("id", 7L);
    hit.put("n", 3);
    List<NodeField> fields = NodeRequests.toFields(hit, SCHEMA, "id");
    assertThat(fields).extracting(NodeField::getName).containsExactly("n");
    assertThat(NodeRequests.hitFields(7L, fields, SCHEMA)).containsExactly(Map.entry("id", 7L), Map.entry("n", 3));
    assertThat(NodeRequests.toFields(Map.of("id", 7L), SCHEMA, "id")).as("a plain search: no fields").isEmpty();
  }

  @Test
  void queryAndGetBodiesRoundTrip() {
    NodeRequests.Query q = new NodeRequests.Query("n > {x} and tag in {tags}", Map.of("x", 3, "tags", List.of("a")),
        List.of("n", "vec"), 100, 20);
    QueryBody wire = q.toProto();
    assertThat(NodeRequests.Query.fromProto(wire)).isEqualTo(q);
    NodeRequests.Query all = new NodeRequests.Query(null, Map.of(), List.of(), 0, 0);
    assertThat(all.toProto().hasFilter()).isFalse();
    assertThat(NodeRequests.Query.fromProto(all.toProto())).isEqualTo(all);

    GetBody ints = new NodeRequests.Get(List.of(1L, 5, -3L), List.of("n")).toProto();
    assertThat(NodeRequests.Get.fromProto(ints)).isEqualTo(new NodeRequests.Get(List.of(1L, 5L, -3L), List.of("n")));
    GetBody strs = new NodeRequests.Get(List.of("a", "b"), List.of()).toProto();
    assertThat(NodeRequests.Get.fromProto(strs).pks()).containsExactly("a", "b");
  }
}
