package io.quiver.engine.index;

import io.quiver.engine.schema.ValidationException;

/**
 * The vectors an index is built over or searches: {@code count} rows of {@code dimension} floats in one contiguous
 * array, row {@code i} at {@code [i * dimension, (i + 1) * dimension)}. Ordinals are row numbers.
 *
 * <p>The array is shared, not copied: callers must not modify it while an index built or opened over it is in use.
 */
public final class VectorValues {
  private final int dimension;
  private final int count;
  private final float[] data;

  private VectorValues(int dimension, int count, float[] data) {
    this.dimension = dimension;
    this.count = count;
    this.data = data;
  }

  /** Wraps {@code data} (length a multiple of {@code dimension}) without copying. */
  public static VectorValues of(float[] data, int dimension) {
    if (dimension <= 0) {
      throw new ValidationException("dimension", dimension, "must be positive");
    }
    if (data.length % dimension != 0) {
      throw new ValidationException("data", data.length,
          "length must be a multiple of the dimension " + dimension);
    }
    return new VectorValues(dimension, data.length / dimension, data);
  }

  public int dimension() {
    return dimension;
  }

  public int count() {
    return count;
  }

  /** The backing array, shared: row {@code i} starts at {@link #offset(int) offset(i)}. */
  public float[] data() {
    return data;
  }

  public int offset(int ordinal) {
    return ordinal * dimension;
  }

  /** A copy of row {@code ordinal}. */
  public float[] vector(int ordinal) {
    float[] v = new float[dimension];
    System.arraycopy(data, ordinal * dimension, v, 0, dimension);
    return v;
  }

  /** Bytes held by the backing array. */
  public long bytes() {
    return (long) data.length * Float.BYTES;
  }
}
