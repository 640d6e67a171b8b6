package io.quiver.spark.read;

import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;
import io.quiver.spark.SparkSchemas;

/**
 * An ARRAY&lt;FLOAT&gt; column over a segment's contiguous vector buffer ({@code rows * dim} floats): row {@code i}
 * is the slice {@code [i*dim, (i+1)*dim)}. Zero copy; vectors are never null.
 */
final class FloatVectorColumn extends ColumnVector {
  private final Floats child;
  private final int dim;
  private final int rows;

  FloatVectorColumn(float[] data, int dim, int rows) {
    super(SparkSchemas.VECTOR);
    this.child = new Floats(data);
    this.dim = dim;
    this.rows = rows;
  }

  @Override
  public void close() {}

  @Override
  public boolean hasNull() {
    return false;
  }

  @Override
  public int numNulls() {
    return 0;
  }

  @Override
  public boolean isNullAt(int rowId) {
    return false;
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    if (rowId < 0 || rowId >= rows) {
      throw new IndexOutOfBoundsException("row " + rowId + " of " + rows);
    }
    return new ColumnarArray(child, rowId * dim, dim);
  }

  @Override
  public boolean getBoolean(int rowId) {
    throw unsupported();
  }

  @Override
  public byte getByte(int rowId) {
    throw unsupported();
  }

  @Override
  public short getShort(int rowId) {
    throw unsupported();
  }

  @Override
  public int getInt(int rowId) {
    throw unsupported();
  }

  @Override
  public long getLong(int rowId) {
    throw unsupported();
  }

  @Override
  public float getFloat(int rowId) {
    throw unsupported();
  }

  @Override
  public double getDouble(int rowId) {
    throw unsupported();
  }

  @Override
  public ColumnarMap getMap(int ordinal) {
    throw unsupported();
  }

  @Override
  public Decimal getDecimal(int rowId, int precision, int scale) {
    throw unsupported();
  }

  @Override
  public UTF8String getUTF8String(int rowId) {
    throw unsupported();
  }

  @Override
  public byte[] getBinary(int rowId) {
    throw unsupported();
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    return child;
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("a vector column holds only ARRAY<FLOAT>");
  }

  /** The element column: one float per position. */
  static final class Floats extends ColumnVector {
    private final float[] data;

    Floats(float[] data) {
      super(org.apache.spark.sql.types.DataTypes.FloatType);
      this.data = data;
    }

    @Override
    public void close() {}

    @Override
    public boolean hasNull() {
      return false;
    }

    @Override
    public int numNulls() {
      return 0;
    }

    @Override
    public boolean isNullAt(int rowId) {
      return false;
    }

    @Override
    public float getFloat(int rowId) {
      return data[rowId];
    }

    @Override
    public float[] getFloats(int rowId, int count) {
      float[] out = new float[count];
      System.arraycopy(data, rowId, out, 0, count);
      return out;
    }

    @Override
    public boolean getBoolean(int rowId) {
      throw unsupported();
    }

    @Override
    public byte getByte(int rowId) {
      throw unsupported();
    }

    @Override
    public short getShort(int rowId) {
      throw unsupported();
    }

    @Override
    public int getInt(int rowId) {
      throw unsupported();
    }

    @Override
    public long getLong(int rowId) {
      throw unsupported();
    }

    @Override
    public double getDouble(int rowId) {
      return data[rowId];
    }

    @Override
    public ColumnarArray getArray(int rowId) {
      throw unsupported();
    }

    @Override
    public ColumnarMap getMap(int ordinal) {
      throw unsupported();
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
      throw unsupported();
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
      throw unsupported();
    }

    @Override
    public byte[] getBinary(int rowId) {
      throw unsupported();
    }

    @Override
    public ColumnVector getChild(int ordinal) {
      throw unsupported();
    }
  }
}
