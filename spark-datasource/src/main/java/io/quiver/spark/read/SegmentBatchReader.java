package io.quiver.spark.read;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.RowGroupBatches;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentRowGroups;
import io.quiver.spark.Warehouses;
import java.util.HashSet;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ValueVector;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.roaringbitmap.RoaringBitmap;

/**
 * Streams a partition's row groups in batches of {@code batch_rows} rows (4,096 unless set, as Spark's vectorized
 * Parquet reader does), so a task holds one row group's compressed pages and one batch of decoded values: the engine's
 * {@link RowGroupBatches} fills reused Arrow vectors and float buffers, which are handed to Spark without copying
 * ({@link ArrowColumnVector}, {@link FloatVectorColumn}); hidden rows and rows the pushed filter rejects (a bitmap
 * computed column at a time) are dropped through a row selection. A batch without hidden rows and without a filter
 * skips the bitmap work entirely.
 */
final class SegmentBatchReader implements PartitionReader<ColumnarBatch> {
  private final SegmentPartition partition;
  private BufferAllocator allocator;
  private SegmentRowGroups groups;
  private RowGroupBatches batches;
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
        partition.segment.id()), ctx.schema(), read, false);
    int first = partition.rowGroups < 0 ? 0 : partition.firstRowGroup;
    int count = partition.rowGroups < 0 ? groups.rowGroupCount() : partition.rowGroups;
    batches = groups.batches(allocator, first, count, ctx.batchRows);
  }

  @Override
  public boolean next() {
    if (groups == null) {
      open();
    }
    batch = null;
    // Spark has consumed the previous batch before asking for the next: its buffers can be reused.
    while (batches.next()) {
      if (batch()) {
        return true;
      }
    }
    return false;
  }

  /** Builds {@link #batch} from the current batch of {@link #batches}; false when none of its rows is selected. */
  private boolean batch() {
    ReadContext ctx = partition.context;
    CollectionSchema schema = ctx.schema();
    BoundFilter filter = ctx.bound();
    int n = batches.rowCount();
    RoaringBitmap keep = null;
    RoaringBitmap hidden = partition.hidden;
    if (!hidden.isEmpty()) {
      long offset = batches.firstRow() - partition.firstRow;
      if (hidden.intersects(offset, offset + n)) {
        keep = RoaringBitmap.bitmapOfRange(0, n);
        keep.andNot(RoaringBitmap.addOffset(RoaringBitmap.and(hidden, RoaringBitmap.bitmapOfRange(offset,
            offset + n)), -offset));
      }
    }
    if (filter != null) {
      RoaringBitmap match = filter.evaluate(batches);
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
          ? new FloatVectorColumn(batches.vectors(name), f.dim(), n)
          : new BorrowedArrowColumn(batches.column(name));
      cols[i] = rows == null ? c : new SelectedColumn(c, rows);
    }
    batch = new ColumnarBatch(cols, rows == null ? n : rows.length);
    return true;
  }

  /** A batch's view of a vector {@link RowGroupBatches} owns and reuses: closing the batch must not free it. */
  private static final class BorrowedArrowColumn extends ArrowColumnVector {
    BorrowedArrowColumn(ValueVector vector) {
      super(vector);
    }

    @Override
    public void close() {}
  }

  @Override
  public ColumnarBatch get() {
    return batch;
  }

  @Override
  public void close() {
    batch = null;
    try (BufferAllocator a = allocator; SegmentRowGroups g = groups; RowGroupBatches b = batches) {
      // closed in reverse order: the batches' vectors, the file, then the allocator
    }
  }
}
