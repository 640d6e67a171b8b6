package io.quiver.engine.segment;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One segment in memory: scalar fields (the primary key and {@code $meta} included) as Arrow vectors, each vector
 * field as one contiguous {@code float[]} of {@code rows * dim}, and the system columns (commit sequence number and
 * WAL offset per row). Owns its Arrow buffers: close it.
 */
public final class SegmentData implements AutoCloseable, io.quiver.engine.filter.FilterColumns {
  private final CollectionSchema schema;
  private final SegmentStats stats;
  private final VectorSchemaRoot scalars;
  private final Map<String, float[]> vectors;
  private final long[] seq;
  private final long[] offsets;

  SegmentData(CollectionSchema schema, SegmentStats stats, VectorSchemaRoot scalars, Map<String, float[]> vectors,
      long[] seq, long[] offsets) {
    this.schema = schema;
    this.stats = stats;
    this.scalars = scalars;
    this.vectors = vectors;
    this.seq = seq;
    this.offsets = offsets;
  }

  public CollectionSchema schema() {
    return schema;
  }

  public SegmentStats stats() {
    return stats;
  }

  @Override
  public int rowCount() {
    return seq.length;
  }

  /** The Arrow vector of a scalar field (or {@code $meta}), or null when it was not read. */
  @Nullable
  @Override
  public ValueVector column(String name) {
    return scalars.getVector(name);
  }

  /** The scalar columns; owned by this object. */
  public VectorSchemaRoot scalars() {
    return scalars;
  }

  /** The vectors of {@code field}: row {@code i} is {@code [i*dim, (i+1)*dim)}. Not a copy: do not modify. */
  public float[] vectors(String field) {
    float[] v = vectors.get(field);
    if (v == null) {
      throw new IllegalArgumentException("Vector field '" + field + "' was not read; read fields: " + vectors.keySet());
    }
    return v;
  }

  public boolean hasVectors(String field) {
    return vectors.containsKey(field);
  }

  /** Sequence number of the commit that first added each row; 0 means the segment's own commit. */
  public long[] sequenceNumbers() {
    return seq;
  }

  /** WAL offset (or import position) of each row. */
  public long[] offsets() {
    return offsets;
  }

  /** The primary key of row {@code i} ({@code Long} or {@code String}). */
  public Object pk(int i) {
    return value(schema.primaryKey(), i);
  }

  /** Row {@code i} with every field that was read (others null). */
  public Row row(int i) {
    List<FieldSchema> fields = schema.fields();
    Object[] values = new Object[fields.size()];
    for (int f = 0; f < values.length; f++) {
      values[f] = value(fields.get(f), i);
    }
    String meta = null;
    ValueVector m = scalars.getVector(CollectionSchema.DYNAMIC_FIELD);
    if (m != null && !m.isNull(i)) {
      meta = new String(((VarCharVector) m).get(i), java.nio.charset.StandardCharsets.UTF_8);
    }
    return new Row(values, meta);
  }

  /** The value of {@code field} at row {@code i} in canonical Java type, or null. */
  @Nullable
  public Object value(FieldSchema field, int i) {
    if (field.type().isVector()) {
      float[] all = vectors.get(field.name());
      if (all == null) {
        return null;
      }
      int dim = field.dim();
      float[] v = new float[dim];
      System.arraycopy(all, i * dim, v, 0, dim);
      return v;
    }
    ValueVector vec = scalars.getVector(field.name());
    if (vec == null || vec.isNull(i)) {
      return null;
    }
    switch (field.type()) {
      case BOOL:
        return ((BitVector) vec).get(i) != 0;
      case INT32:
        return ((IntVector) vec).get(i);
      case INT64:
        return ((BigIntVector) vec).get(i);
      case FLOAT:
        return ((Float4Vector) vec).get(i);
      case DOUBLE:
        return ((Float8Vector) vec).get(i);
      default:
        return new String(((VarCharVector) vec).get(i), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    scalars.close();
  }
}
