package io.quiver.engine.segment;

import io.quiver.engine.schema.ArrowSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Builds a {@link SegmentData} in memory from validated rows, without any file: the serving tier's WAL tail (rows
 * not sealed yet) becomes a searchable source with the same columns, filters and stats as a sealed segment.
 */
public final class MemorySegments {
  private MemorySegments() {}

  /**
   * An in-memory segment of {@code rows}.
   *
   * @param seq per row, the sequence number (0 = inherit the entry's, e.g. {@code RowOrder.TAIL} for WAL tail rows)
   * @param offsets per row, its WAL offset
   */
  public static SegmentData of(CollectionSchema schema, String segmentId, String partition, int shard, List<Row> rows,
      long[] seq, long[] offsets, BufferAllocator allocator) {
    int n = rows.size();
    if (seq.length != n || offsets.length != n) {
      throw new IllegalArgumentException("Cannot build in-memory segment " + segmentId + ": " + n + " rows but "
          + seq.length + " sequence numbers and " + offsets.length + " offsets");
    }
    List<FieldVector> vectors = new ArrayList<>();
    Map<String, float[]> floats = new HashMap<>();
    Map<String, FieldStats> stats = new LinkedHashMap<>();
    try {
      List<FieldSchema> fields = schema.fields();
      for (int f = 0; f < fields.size(); f++) {
        FieldSchema field = fields.get(f);
        if (field.type().isVector()) {
          int dim = field.dim();
          float[] buf = new float[n * dim];
          for (int i = 0; i < n; i++) {
            float[] v = (float[]) rows.get(i).get(f);
            if (v != null) {
              System.arraycopy(v, 0, buf, i * dim, dim);
            }
          }
          floats.put(field.name(), buf);
          continue;
        }
        FieldVector v = ArrowSchemas.toArrow(field).createVector(allocator);
        vectors.add(v);
        FieldStats.Collector c = new FieldStats.Collector(field.type() != DataType.JSON);
        fill(v, field, rows, f, c);
        stats.put(field.name(), c.build());
      }
      if (schema.dynamicField()) {
        VarCharVector meta = (VarCharVector) new Field(CollectionSchema.DYNAMIC_FIELD,
            FieldType.nullable(ArrowType.Utf8.INSTANCE), null).createVector(allocator);
        vectors.add(meta);
        meta.allocateNew(n);
        for (int i = 0; i < n; i++) {
          String m = rows.get(i).meta();
          if (m == null) {
            meta.setNull(i);
          } else {
            meta.setSafe(i, m.getBytes(StandardCharsets.UTF_8));
          }
        }
        meta.setValueCount(n);
      }
      long first = -1;
      long last = -1;
      for (long o : offsets) {
        first = first < 0 ? o : Math.min(first, o);
        last = Math.max(last, o);
      }
      SegmentStats st = new SegmentStats(segmentId, schema.version(), partition, shard, n, first, last, 0, stats);
      return new SegmentData(schema, st, new VectorSchemaRoot(vectors), floats, seq.clone(), offsets.clone());
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  private static void fill(FieldVector v, FieldSchema field, List<Row> rows, int pos, FieldStats.Collector stats) {
    int n = rows.size();
    v.setInitialCapacity(n);
    v.allocateNew();
    for (int i = 0; i < n; i++) {
      Object value = rows.get(i).get(pos);
      stats.add(value);
      if (value == null) {
        v.setNull(i);
        continue;
      }
      switch (field.type()) {
        case BOOL:
          ((BitVector) v).setSafe(i, (Boolean) value ? 1 : 0);
          break;
        case INT32:
          ((IntVector) v).setSafe(i, ((Number) value).intValue());
          break;
        case INT64:
          ((BigIntVector) v).setSafe(i, ((Number) value).longValue());
          break;
        case FLOAT:
          ((Float4Vector) v).setSafe(i, ((Number) value).floatValue());
          break;
        case DOUBLE:
          ((Float8Vector) v).setSafe(i, ((Number) value).doubleValue());
          break;
        default:
          ((VarCharVector) v).setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(n);
  }
}
