package io.quiver.spark.catalog;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.LocalScan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/** A procedure's result rows. */
final class ResultScan implements LocalScan {
  private final StructType schema;
  private final InternalRow[] rows;

  ResultScan(StructType schema, List<Object[]> values) {
    this.schema = schema;
    this.rows = new InternalRow[values.size()];
    for (int i = 0; i < rows.length; i++) {
      Object[] v = values.get(i).clone();
      for (int j = 0; j < v.length; j++) {
        if (v[j] instanceof String) {
          v[j] = UTF8String.fromString((String) v[j]);
        }
      }
      rows[i] = new GenericInternalRow(v);
    }
  }

  @Override
  public InternalRow[] rows() {
    return rows;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }
}
