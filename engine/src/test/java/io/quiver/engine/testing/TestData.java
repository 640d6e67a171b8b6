package io.quiver.engine.testing;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Schemas and seeded rows shared by engine tests. */
public final class TestData {
  private TestData() {}

  /** id INT64 pk, emb FLOAT_VECTOR(dim) L2, title VARCHAR(64) nullable, year INT32, score FLOAT, price DOUBLE,
   *  ok BOOL, tags JSON nullable; dynamic field on. */
  public static CollectionSchema docs(int dim) {
    return CollectionSchema.builder()
        .int64PrimaryKey("id", false)
        .vector("emb", dim, MetricType.L2)
        .varchar("title", 64, true)
        .add(FieldSchema.builder("year", DataType.INT32).defaultValue(2000).build())
        .scalar("score", DataType.FLOAT)
        .scalar("price", DataType.DOUBLE)
        .scalar("ok", DataType.BOOL)
        .scalar("tags", DataType.JSON)
        .dynamicField(true)
        .build();
  }

  public static Map<String, Object> docMap(long id, int dim, Random rnd) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = rnd.nextFloat();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("emb", v);
    m.put("title", id % 7 == 0 ? null : "doc " + id);
    m.put("year", 1990 + (int) (id % 30));
    m.put("score", rnd.nextFloat());
    m.put("price", rnd.nextDouble() * 100);
    m.put("ok", id % 2 == 0);
    m.put("tags", id % 5 == 0 ? null : "{\"k\":" + (id % 3) + "}");
    if (id % 4 == 0) {
      m.put("color", id % 8 == 0 ? "red" : "blue");
    }
    return m;
  }

  public static List<Row> docs(CollectionSchema schema, long firstId, int n, long seed) {
    Random rnd = new Random(seed);
    List<Row> out = new ArrayList<>(n);
    int dim = schema.field("emb").dim();
    for (long id = firstId; id < firstId + n; id++) {
      out.add(Row.of(schema, docMap(id, dim, rnd)));
    }
    return out;
  }
}
