package io.quiver.spark.read;

import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A view of the rows {@code rows[0..n)} of another column: how a segment's batch drops hidden and filtered-out rows
 * without copying any column.
 */
final class SelectedColumn extends ColumnVector {
  private final ColumnVector base;
  private final int[] rows;

  SelectedColumn(ColumnVector base, int[] rows) {
    super(base.dataType());
    this.base = base;
    this.rows = rows;
  }

  @Override
  public void close() {}

  @Override
  public boolean hasNull() {
    return base.hasNull();
  }

  @Override
  public int numNulls() {
    int n = 0;
    if (base.hasNull()) {
      for (int r : rows) {
        if (base.isNullAt(r)) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public boolean isNullAt(int rowId) {
    return base.isNullAt(rows[rowId]);
  }

  @Override
  public boolean getBoolean(int rowId) {
    return base.getBoolean(rows[rowId]);
  }

  @Override
  public byte getByte(int rowId) {
    return base.getByte(rows[rowId]);
  }

  @Override
  public short getShort(int rowId) {
    return base.getShort(rows[rowId]);
  }

  @Override
  public int getInt(int rowId) {
    return base.getInt(rows[rowId]);
  }

  @Override
  public long getLong(int rowId) {
    return base.getLong(rows[rowId]);
  }

  @Override
  public float getFloat(int rowId) {
    return base.getFloat(rows[rowId]);
  }

  @Override
  public double getDouble(int rowId) {
    return base.getDouble(rows[rowId]);
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    return base.getArray(rows[rowId]);
  }

  @Override
  public ColumnarMap getMap(int ordinal) {
    return base.getMap(rows[ordinal]);
  }

  @Override
  public Decimal getDecimal(int rowId, int precision, int scale) {
    return base.getDecimal(rows[rowId], precision, scale);
  }

  @Override
  public UTF8String getUTF8String(int rowId) {
    return base.getUTF8String(rows[rowId]);
  }

  @Override
  public byte[] getBinary(int rowId) {
    return base.getBinary(rows[rowId]);
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    throw new UnsupportedOperationException("children of a selected column are read through getArray");
  }
}
