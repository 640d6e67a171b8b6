package io.quiver.engine.segment;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Writes one required top-level INT64 column (an INT64 primary key, {@code __seq}, {@code __offset}) a whole data page
 * at a time: values are laid into the page's bytes as rows arrive and, when the page holds {@code pageRows} of them
 * (Parquet's page row limit, where its column writer ends an INT64 page), the page is written as one v1 data page of
 * PLAIN little-endian longs with its min/max statistics (which feed the column chunk's statistics and its column
 * index, as the column writer's do). A required column has no levels to write. This is the page Parquet's
 * column writer produces for such a column without a dictionary, without its per-value bookkeeping (a value writer,
 * a statistics collector, fallback checks and a size check per value), which took a sixth of a seal's time.
 */
final class LongPages {
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.LITTLE_ENDIAN);

  private final ColumnDescriptor desc;
  private final int pageRows;
  /** The page's PLAIN values, written as they arrive. */
  private final byte[] page;
  /** The row group's page writer of this column ({@link #startRowGroup}). */
  private PageWriter out;
  private int rows;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  LongPages(ColumnDescriptor desc, int pageRows) {
    PrimitiveType t = desc.getPrimitiveType();
    if (t.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64 || desc.getMaxDefinitionLevel() != 0
        || desc.getMaxRepetitionLevel() != 0 || t.getRepetition() != Type.Repetition.REQUIRED) {
      throw new IllegalArgumentException("Column " + String.join(".", desc.getPath())
          + " is not a required top-level INT64 column: " + t);
    }
    this.desc = desc;
    this.pageRows = Math.max(1, pageRows);
    this.page = new byte[this.pageRows * Long.BYTES];
  }

  /** Takes this column's page writer in a new row group's page store (the last row group's pages were flushed). */
  void startRowGroup(PageWriteStore pages) {
    out = pages.getPageWriter(desc);
  }

  /** Bytes buffered for the row group: the page not written yet and the pages written to the page store. */
  long bufferedBytes() {
    return (long) rows * Long.BYTES + out.getMemSize();
  }

  /** Appends one row's value; writes the page when it is full. */
  void add(long v) throws IOException {
    LONG_LE.set(page, rows * Long.BYTES, v);
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
    if (++rows == pageRows) {
      flush();
    }
  }

  /** Writes the buffered rows as one data page (nothing when none are buffered). */
  void flush() throws IOException {
    if (rows == 0) {
      return;
    }
    PrimitiveType type = desc.getPrimitiveType();
    LongStatistics stats = (LongStatistics) Statistics.createStats(type);
    stats.setMinMax(min, max);
    // the page store compresses (or copies) the bytes before it returns, so the array is reused for the next page
    out.writePage(BytesInput.from(page, 0, rows * Long.BYTES), rows, rows, stats,
        SizeStatistics.newBuilder(type, 0, 0).build(), GeospatialStatistics.noopBuilder().build(),
        Encoding.BIT_PACKED, Encoding.BIT_PACKED, Encoding.PLAIN);
    rows = 0;
    min = Long.MAX_VALUE;
    max = Long.MIN_VALUE;
  }
}
