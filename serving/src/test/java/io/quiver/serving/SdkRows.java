package io.quiver.serving;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.quiver.engine.schema.MetricType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/** Rows as the Milvus SDK takes them, and the exact answer to check searches with, shared by the serving ITs. */
final class SdkRows {
  private SdkRows() {}

  static float[] vec(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }

  /** {@code {"id": id, "vec": v}}. */
  static JsonObject row(long id, float[] v) {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    JsonArray a = new JsonArray();
    for (float f : v) {
      a.add(f);
    }
    o.add("vec", a);
    return o;
  }

  /**
   * Brute force: the {@code k} primary keys nearest to {@code q} (L2, ties by key) among {@code rows} (pk → fields,
   * the vector first) that pass {@code filter}.
   */
  static List<Long> nearest(Map<Long, Object[]> rows, float[] q, int k, Predicate<Object[]> filter) {
    List<Long> pks = new ArrayList<>();
    rows.forEach((pk, r) -> {
      if (filter.test(r)) {
        pks.add(pk);
      }
    });
    pks.sort(Comparator.<Long, Float>comparing(pk -> MetricType.L2.distance(q, (float[]) rows.get(pk)[0]))
        .thenComparing(pk -> pk));
    return pks.subList(0, Math.min(k, pks.size()));
  }
}
