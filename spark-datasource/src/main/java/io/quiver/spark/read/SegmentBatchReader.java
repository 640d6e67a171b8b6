package io.quiver.spark.read;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentRowGroups;
import io.quiver.spark.Warehouses;
import java.util.HashSet;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.roaringbitmap.RoaringBitmap;

/**
 * Streams a partition's row groups, one columnar batch per row group, so a task holds one row group in memory, not
 * the whole segment: the engine's column reader fills Arrow vectors and float buffers, which are handed to Spark
 * without copying ({@link ArrowColumnVector}, {@link FloatVectorColumn}); hidden rows and rows the pushed filter
 * rejects (a bitmap computed column at a time) are dropped through a row selection. A segment without hidden rows
 * and without a filter skips the bitmap work entirely.
 */
final class SegmentBatchReader implements PartitionReader<ColumnarBatch> {
  private final SegmentPartition partition;
  private BufferAllocator allocator;
  private SegmentRowGroups groups;
  private SegmentData data;
  private int next;
  private int end;
  private ColumnarBatch batch;

  SegmentBatchReader(SegmentPartition partition) {
    this.partition = partition;
  }

  private void open() {
    ReadContext ctx = partition.context;
    Set<String> read = new HashSet<>(ctx.columns);
    BoundFilter filter = ctx.bound();
    if (filter != null) {
      read.addAll(filter.columns());
    }
    Catalog catalog = Warehouses.catalog(ctx.warehouse, ctx.conf);
    allocator = Warehouses.allocator("segment-" + partition.segment.id());
    groups = SegmentRowGroups.open(catalog.conf(), SegmentFiles.segmentDir(catalog.collectionDir(ctx.collection),
        partition.segment.id()), ctx.schema(), read);
    next = partition.rowGroups < 0 ? 0 : partition.firstRowGroup;
    end = partition.rowGroups < 0 ? groups.rowGroupCount() : partition.firstRowGroup + partition.rowGroups;
  }

  @Override
  public boolean next() {
    if (groups == null) {
      open();
    }
    while (next < end) {
      releaseBatch();
      int g = next++;
      // Spark has consumed the previous batch before asking for the next: its float buffers can be reused.
      data = groups.readReusing(allocator, g);
      if (batch(g)) {
        return true;
      }
    }
    releaseBatch();
    return false;
  }

  /** Builds the batch of row group {@code g} from {@link #data}; false when no row of it is selected. */
  private boolean batch(int g) {
    ReadContext ctx = partition.context;
    CollectionSchema schema = ctx.schema();
    BoundFilter filter = ctx.bound();
    int n = data.rowCount();
    RoaringBitmap keep = null;
    if (!partition.hidden.isEmpty()) {
      long offset = groups.firstRow(g) - partition.firstRow;
      RoaringBitmap hidden = partition.hidden;
      if (offset != 0 || hidden.last() >= n) {
        hidden = RoaringBitmap.addOffset(RoaringBitmap.and(hidden, RoaringBitmap.bitmapOfRange(offset, offset + n)),
            -offset);
      }
      if (!hidden.isEmpty()) {
        keep = RoaringBitmap.bitmapOfRange(0, n);
        keep.andNot(hidden);
      }
    }
    if (filter != null) {
      RoaringBitmap match = filter.evaluate(data);
      keep = keep == null ? match : RoaringBitmap.and(keep, match);
    }
    int[] rows = keep == null || keep.getCardinality() == n ? null : keep.toArray();
    if (rows != null && rows.length == 0) {
      return false;
    }
    ColumnVector[] cols = new ColumnVector[ctx.columns.size()];
    for (int i = 0; i < cols.length; i++) {
      String name = ctx.columns.get(i);
      FieldSchema f = schema.field(name);
      ColumnVector c = f != null && f.type().isVector()
          ? new FloatVectorColumn(data.vectors(name), f.dim(), n)
          : new ArrowColumnVector(data.column(name));
      cols[i] = rows == null ? c : new SelectedColumn(c, rows);
    }
    batch = new ColumnarBatch(cols, rows == null ? n : rows.length);
    return true;
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  private void releaseBatch() {
    batch = null;
    if (data != null) {
      data.close();
      data = null;
    }
  }

  @Override
  public void close() {
    releaseBatch();
    if (groups != null) {
      groups.close();
    }
    if (allocator != null) {
      allocator.close();
    }
  }
}
