package io.quiver.spark.read;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
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
 * Reads one segment as one columnar batch: the engine's column reader fills Arrow vectors and float buffers, which
 * are handed to Spark without copying ({@link ArrowColumnVector}, {@link FloatVectorColumn}); hidden rows and rows
 * the pushed filter rejects (a bitmap computed column at a time) are dropped through a row selection.
 */
final class SegmentBatchReader implements PartitionReader<ColumnarBatch> {
  private final SegmentPartition partition;
  private BufferAllocator allocator;
  private SegmentData data;
  private boolean done;
  private ColumnarBatch batch;

  SegmentBatchReader(SegmentPartition partition) {
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
    BoundFilter filter = ctx.bound();
    Set<String> read = new HashSet<>(ctx.columns);
    if (filter != null) {
      read.addAll(filter.columns());
    }
    Catalog catalog = Warehouses.catalog(ctx.warehouse, ctx.conf);
    allocator = Warehouses.allocator("segment-" + partition.segment.id());
    data = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(catalog.collectionDir(ctx.collection),
        partition.segment.id()), schema, allocator, read);
    int n = data.rowCount();
    RoaringBitmap keep = null;
    if (!partition.hidden.isEmpty()) {
      keep = new RoaringBitmap();
      keep.add(0L, (long) n);
      keep.andNot(partition.hidden);
    }
    if (filter != null) {
      RoaringBitmap match = filter.evaluate(data);
      keep = keep == null ? match : RoaringBitmap.and(keep, match);
    }
    int[] rows = keep == null || keep.getCardinality() == n ? null : keep.toArray();
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

  @Override
  public void close() {
    if (data != null) {
      data.close();
    }
    if (allocator != null) {
      allocator.close();
    }
  }
}
