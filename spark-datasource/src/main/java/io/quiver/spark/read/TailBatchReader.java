package io.quiver.spark.read;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** The WAL tail's visible rows as one on-heap columnar batch. */
final class TailBatchReader implements PartitionReader<ColumnarBatch> {
  private final TailPartition partition;
  private boolean done;
  private ColumnarBatch batch;

  TailBatchReader(TailPartition partition) {
    this.partition = partition;
  }

  @Override
  public boolean next() {
    if (done) {
      return false;
    }
    done = true;
    ReadContext ctx = partition.context;
    CollectionSchema schema = ctx.schema();
    int n = partition.rows.size();
    ColumnVector[] cols = new ColumnVector[ctx.columns.size()];
    for (int c = 0; c < cols.length; c++) {
      String name = ctx.columns.get(c);
      FieldSchema f = schema.field(name);
      int pos = f == null ? schema.fields().size() : schema.position(name);
      DataType type = f == null ? DataTypes.StringType : io.quiver.spark.SparkSchemas.sparkType(f.type());
      OnHeapColumnVector v = new OnHeapColumnVector(Math.max(1, n), type);
      for (int r = 0; r < n; r++) {
        append(v, partition.rows.get(r)[pos]);
      }
      cols[c] = v;
    }
    batch = new ColumnarBatch(cols, n);
    return true;
  }

  private static void append(WritableColumnVector v, Object value) {
    if (value == null) {
      v.appendNull();
    } else if (value instanceof Boolean) {
      v.appendBoolean((Boolean) value);
    } else if (value instanceof Integer) {
      v.appendInt((Integer) value);
    } else if (value instanceof Long) {
      v.appendLong((Long) value);
    } else if (value instanceof Float) {
      v.appendFloat((Float) value);
    } else if (value instanceof Double) {
      v.appendDouble((Double) value);
    } else if (value instanceof String) {
      v.appendByteArray(((String) value).getBytes(StandardCharsets.UTF_8), 0,
          ((String) value).getBytes(StandardCharsets.UTF_8).length);
    } else if (value instanceof float[]) {
      float[] f = (float[]) value;
      v.appendArray(f.length);
      v.arrayData().appendFloats(f.length, f, 0);
    } else {
      throw new IllegalStateException("Unexpected tail value " + value.getClass());
    }
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  @Override
  public void close() {
    if (batch != null) {
      batch.close();
    }
  }
}
