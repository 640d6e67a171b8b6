package io.quiver.engine.filter;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.roaringbitmap.RoaringBitmap;

/** Rows validated by {@link Row#of} and the same rows as Arrow vectors, for checking both evaluators. */
final class TestSegment implements FilterColumns, AutoCloseable {
  /** id INT64 pk, vec, age INT32, score INT64, price FLOAT, weight DOUBLE, name VARCHAR, active BOOL, meta JSON. */
  static CollectionSchema schema(boolean dynamic) {
    return CollectionSchema.builder()
        .int64PrimaryKey("id", false)
        .vector("vec", 2, MetricType.L2)
        .scalar("age", DataType.INT32)
        .scalar("score", DataType.INT64)
        .scalar("price", DataType.FLOAT)
        .scalar("weight", DataType.DOUBLE)
        .varchar("name", 64, true)
        .scalar("active", DataType.BOOL)
        .scalar("meta", DataType.JSON)
        .dynamicField(dynamic)
        .build();
  }

  final CollectionSchema schema;
  final List<Row> rows = new ArrayList<>();
  private final BufferAllocator allocator = new RootAllocator();
  private final Map<String, FieldVector> vectors = new HashMap<>();

  /** Rows from maps; {@code id} defaults to the row number and {@code vec} to zeros. */
  TestSegment(CollectionSchema schema, List<? extends Map<String, ?>> input) {
    this.schema = schema;
    for (int i = 0; i < input.size(); i++) {
      Map<String, Object> m = new LinkedHashMap<>(input.get(i));
      m.putIfAbsent("id", (long) i);
      m.putIfAbsent("vec", new float[] {0, 0});
      rows.add(Row.of(schema, m));
    }
    int n = rows.size();
    for (FieldSchema f : schema.fields()) {
      if (f.type().isVector()) {
        continue;
      }
      int p = schema.position(f.name());
      FieldVector v = vector(f.name(), f.type());
      v.setInitialCapacity(n);
      v.allocateNew();
      for (int i = 0; i < n; i++) {
        set(v, i, rows.get(i).get(p));
      }
      v.setValueCount(n);
      vectors.put(f.name(), v);
    }
    if (schema.dynamicField()) {
      VarCharVector meta = new VarCharVector(CollectionSchema.DYNAMIC_FIELD, allocator);
      meta.allocateNew();
      for (int i = 0; i < n; i++) {
        set(meta, i, rows.get(i).meta());
      }
      meta.setValueCount(n);
      vectors.put(CollectionSchema.DYNAMIC_FIELD, meta);
    }
  }

  private FieldVector vector(String name, DataType type) {
    switch (type) {
      case BOOL:
        return new BitVector(name, allocator);
      case INT32:
        return new IntVector(name, allocator);
      case INT64:
        return new BigIntVector(name, allocator);
      case FLOAT:
        return new Float4Vector(name, allocator);
      case DOUBLE:
        return new Float8Vector(name, allocator);
      default:
        return new VarCharVector(name, allocator);
    }
  }

  private static void set(FieldVector v, int i, Object value) {
    if (value == null) {
      v.setNull(i);
    } else if (v instanceof BitVector) {
      ((BitVector) v).setSafe(i, (Boolean) value ? 1 : 0);
    } else if (v instanceof IntVector) {
      ((IntVector) v).setSafe(i, (Integer) value);
    } else if (v instanceof BigIntVector) {
      ((BigIntVector) v).setSafe(i, (Long) value);
    } else if (v instanceof Float4Vector) {
      ((Float4Vector) v).setSafe(i, (Float) value);
    } else if (v instanceof Float8Vector) {
      ((Float8Vector) v).setSafe(i, (Double) value);
    } else {
      ((VarCharVector) v).setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Drops a column, as in a segment written before the field existed. */
  TestSegment without(String column) {
    vectors.remove(column).close();
    return this;
  }

  @Override
  public int rowCount() {
    return rows.size();
  }

  @Override
  public ValueVector column(String fieldName) {
    return vectors.get(fieldName);
  }

  /** Rows the row-at-a-time evaluator accepts, checked on both {@code test(Row)} and {@code test(Map)}. */
  RoaringBitmap byRows(BoundFilter f) {
    RoaringBitmap out = new RoaringBitmap();
    for (int i = 0; i < rows.size(); i++) {
      boolean row = f.test(rows.get(i));
      boolean map = f.test(rows.get(i).toMap(schema));
      if (row != map) {
        throw new AssertionError("test(Row) and test(Map) disagree on row " + i + " for " + f + ": " + rows.get(i));
      }
      if (row) {
        out.add(i);
      }
    }
    return out;
  }

  @Override
  public void close() {
    vectors.values().forEach(ValueVector::close);
    allocator.close();
  }
}
