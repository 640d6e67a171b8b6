package io.quiver.engine.segment;

import io.quiver.engine.filter.FilterColumns;
import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.schema.ArrowSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.parquet.ParquetRuntimeException;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;

/**
 * A run of row groups streamed in small batches (as Parquet's vectorized readers do), so a reader holds one row
 * group's compressed pages plus one batch of decoded values, whatever the segment's size. Every batch reuses the
 * same Arrow vectors and float buffers: a batch's columns are valid until the next {@link #next()} call. Between
 * calls this object is the batch's {@link FilterColumns}. The system columns (sequence number, WAL offset) are not
 * read: visibility comes from elsewhere.
 *
 * <p>Not thread-safe. Vector columns written as {@link SegmentWriter} writes them are copied page by page in bulk
 * ({@link BulkVectorPages}); anything else goes through Parquet's column readers value by value.
 */
public final class RowGroupBatches implements FilterColumns, AutoCloseable {
  private final SegmentRowGroups groups;
  private final int end;
  private final int batchRows;
  private final List<FieldVector> scalars = new ArrayList<>();
  private final Map<String, FieldVector> byName = new HashMap<>();
  private final Map<String, float[]> floats = new HashMap<>();
  /** One decoder per requested leaf column, in the requested schema's order; rebuilt per row group. */
  private final Column[] columns;
  private int group;
  private long groupRowsLeft;
  private long position;
  private int rows;

  RowGroupBatches(SegmentRowGroups groups, BufferAllocator allocator, int first, int count, int batchRows) {
    this.groups = groups;
    this.group = first;
    this.end = first + count;
    this.batchRows = batchRows;
    this.position = groups.firstRow(first);
    try {
      for (FieldSchema f : groups.fields) {
        if (f.type().isVector()) {
          floats.put(f.name(), new float[Math.multiplyExact(batchRows, f.dim())]);
        } else {
          add(f.name(), ArrowSchemas.toArrow(f).createVector(allocator));
        }
      }
      if (groups.readMeta) {
        add(CollectionSchema.DYNAMIC_FIELD, new Field(CollectionSchema.DYNAMIC_FIELD,
            FieldType.nullable(ArrowType.Utf8.INSTANCE), null).createVector(allocator));
      }
    } catch (RuntimeException e) {
      scalars.forEach(FieldVector::close);
      throw e;
    }
    this.columns = new Column[groups.requested.getColumns().size()];
  }

  private void add(String name, FieldVector v) {
    scalars.add(v);
    v.setInitialCapacity(batchRows);
    v.allocateNew();
    byName.put(name, v);
  }

  /**
   * Decodes the next batch into the reused columns; false after the last row of the run. The previous batch's
   * columns are overwritten.
   */
  public boolean next() {
    position += rows;
    rows = 0;
    while (groupRowsLeft == 0) {
      if (group >= end) {
        return false;
      }
      openGroup(group++);
    }
    int n = (int) Math.min(batchRows, groupRowsLeft);
    try {
      for (FieldVector v : scalars) {
        v.reset();
      }
      for (Column c : columns) {
        c.read(n);
      }
      for (FieldVector v : scalars) {
        v.setValueCount(n);
      }
      groupRowsLeft -= n;
      if (groupRowsLeft == 0) {
        for (Column c : columns) {
          c.finish();
        }
      }
    } catch (ParquetRuntimeException | IllegalStateException | IllegalArgumentException e) {
      throw new CorruptFileException(groups.file, e.toString(), e);
    }
    rows = n;
    return true;
  }

  private void openGroup(int g) {
    PageReadStore pages;
    try {
      pages = groups.reader.readRowGroup(g);
    } catch (IOException | ParquetRuntimeException e) {
      throw new CorruptFileException(groups.file, e.toString(), e);
    }
    long n = pages.getRowCount();
    if (n != groups.rowCount(g)) {
      throw new CorruptFileException(groups.file, "row group " + g + " has " + n + " rows, its footer records "
          + groups.rowCount(g));
    }
    BlockMetaData block = groups.reader.getRowGroups().get(g);
    ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
        new GroupRecordConverter(groups.requested).getRootConverter(), groups.requested, groups.createdBy);
    List<ColumnDescriptor> descs = groups.requested.getColumns();
    int c = 0;
    for (FieldSchema f : groups.fields) {
      ColumnDescriptor desc = descs.get(c);
      if (!f.type().isVector()) {
        columns[c] = scalar(store, pages, desc, f, byName.get(f.name()));
      } else if (BulkVectorPages.eligible(block, desc)) {
        BulkVectorPages bulk = new BulkVectorPages(pages.getPageReader(desc), desc, n, f.dim(), groups.file,
            f.name());
        float[] out = floats.get(f.name());
        columns[c] = new Column() {
          @Override
          public void read(int rows) {
            bulk.read(out, 0, rows);
          }

          @Override
          public void finish() {
            bulk.finish();
          }
        };
      } else {
        columns[c] = scalar(store.getColumnReader(desc), desc,
            new SegmentReader.VectorSink(f, floats.get(f.name()), groups.file));
      }
      c++;
    }
    if (groups.readMeta) {
      ColumnDescriptor desc = descs.get(c);
      columns[c] = scalar(store, pages, desc, SegmentReader.META, byName.get(CollectionSchema.DYNAMIC_FIELD));
      c++;
    }
    for (; c < columns.length; c++) {
      columns[c] = SKIP; // system columns, when the file was opened with them
    }
    groupRowsLeft = n;
  }

  private Column scalar(ColumnReadStoreImpl store, PageReadStore pages, ColumnDescriptor desc, FieldSchema f,
      FieldVector out) {
    if (ScalarPages.eligible(desc, f, out)) {
      ScalarPages p = new ScalarPages(pages.getPageReader(desc), desc, out, groups.file, f.name());
      return new Column() {
        @Override
        public void read(int rows) {
          p.read(0, rows);
        }

        @Override
        public void finish() {
          p.finish();
        }
      };
    }
    return scalar(store.getColumnReader(desc), desc, new SegmentReader.ScalarSink(f, out));
  }

  private static Column scalar(ColumnReader r, ColumnDescriptor desc, SegmentReader.ColumnSink sink) {
    return new Column() {
      @Override
      public void read(int rows) {
        sink.read(r, desc, 0, rows);
      }

      @Override
      public void finish() {}
    };
  }

  /** Rows in the current batch. */
  @Override
  public int rowCount() {
    return rows;
  }

  /** Position in the segment of the current batch's first row. */
  public long firstRow() {
    return position;
  }

  /** The current batch's Arrow vector of a scalar field (or {@code $meta}), or null when it was not read. */
  @Nullable
  @Override
  public ValueVector column(String fieldName) {
    return byName.get(fieldName);
  }

  /**
   * The current batch's vectors of {@code field}: row {@code i} is {@code [i*dim, (i+1)*dim)}. The buffer is reused
   * by the next batch and may be longer than {@code rowCount() * dim}.
   */
  public float[] vectors(String field) {
    float[] v = floats.get(field);
    if (v == null) {
      throw new IllegalArgumentException("Vector field '" + field + "' was not read; read fields: " + floats.keySet());
    }
    return v;
  }

  /** Releases the Arrow vectors (the segment file stays open: it belongs to the {@link SegmentRowGroups}). */
  @Override
  public void close() {
    scalars.forEach(FieldVector::close);
  }

  /** Decodes one column chunk of the current row group, a batch at a time. */
  private interface Column {
    void read(int rows);

    /** Called after the row group's last batch: checks the chunk held no more and no fewer values. */
    void finish();
  }

  private static final Column SKIP = new Column() {
    @Override
    public void read(int rows) {}

    @Override
    public void finish() {}
  };
}
