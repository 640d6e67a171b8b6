package io.quiver.engine.filter;

import java.util.Map;
import javax.annotation.Nullable;
import org.apache.arrow.vector.ValueVector;

/**
 * The columns of one segment (or one batch) that a {@link BoundFilter} evaluates over. Segment readers implement it.
 *
 * <p>Row ordinals are {@code 0 .. rowCount() - 1}; every returned vector holds at least {@code rowCount()} values.
 * Scalar fields are the vectors of {@code io.quiver.engine.schema.ArrowSchemas} (BOOL {@code BitVector}, INT32
 * {@code IntVector}, INT64 {@code BigIntVector}, FLOAT {@code Float4Vector}, DOUBLE {@code Float8Vector}, VARCHAR and
 * JSON {@code VarCharVector}); the dynamic field is the {@code VarCharVector} named {@code $meta}. Other vector types
 * are read through {@code getObject} (slower, same results).
 *
 * <p>The filter only reads the vectors during {@link BoundFilter#evaluate}; it does not keep or close them.
 */
public interface FilterColumns {
  /** Number of rows. */
  int rowCount();

  /**
   * The column of a field (or {@code $meta}); null when this segment has no such column (a field added later), in
   * which case every row is null for that field.
   */
  @Nullable
  ValueVector column(String fieldName);

  /** Columns over the vectors of a map, all of {@code rowCount} rows (tests, in-memory batches). */
  static FilterColumns of(int rowCount, Map<String, ? extends ValueVector> vectors) {
    return new FilterColumns() {
      @Override
      public int rowCount() {
        return rowCount;
      }

      @Override
      public ValueVector column(String fieldName) {
        return vectors.get(fieldName);
      }
    };
  }
}
