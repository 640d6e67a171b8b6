package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.ParquetRuntimeException;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * An open segment data file read one row group (or a run of row groups) at a time, so a reader can stream a large
 * segment in bounded memory and a planner can split it into several tasks. Opening verifies the stats file, the data
 * file's length and its row count, as {@link SegmentReader#read} does; page CRCs are verified as pages are read.
 *
 * <p>Not thread-safe: one reader per task. Row ordinals of a row group's {@link SegmentData} are relative to the
 * first row of the run read; {@link #firstRow(int)} gives its position in the segment.
 */
public final class SegmentRowGroups implements AutoCloseable {
  final CollectionSchema schema;
  final SegmentStats stats;
  final String file;
  final ParquetFileReader reader;
  final List<FieldSchema> fields;
  final boolean readMeta;
  final MessageType requested;
  final String createdBy;
  final boolean systemColumns;
  private final long[] firstRows;

  private SegmentRowGroups(CollectionSchema schema, SegmentStats stats, String file, ParquetFileReader reader,
      List<FieldSchema> fields, boolean readMeta, MessageType requested, boolean systemColumns) {
    this.schema = schema;
    this.stats = stats;
    this.file = file;
    this.reader = reader;
    this.fields = fields;
    this.readMeta = readMeta;
    this.requested = requested;
    this.systemColumns = systemColumns;
    this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    List<BlockMetaData> blocks = reader.getRowGroups();
    this.firstRows = new long[blocks.size() + 1];
    for (int i = 0; i < blocks.size(); i++) {
      firstRows[i + 1] = firstRows[i] + blocks.get(i).getRowCount();
    }
  }

  /**
   * Opens the data file of the segment in {@code segmentDir}.
   *
   * @param columns the fields to read (null = all); the primary key and the system columns are always read
   * @throws CorruptFileException when the stats, the length or the row count do not agree
   */
  public static SegmentRowGroups open(Configuration conf, Path segmentDir, CollectionSchema schema,
      @Nullable Set<String> columns) {
    return open(conf, segmentDir, schema, columns, true);
  }

  /**
   * Opens the data file of the segment in {@code segmentDir}, reading the system columns (commit sequence number,
   * WAL offset) only when asked: a reader whose visibility was computed elsewhere does not need them, and only
   * {@link #batches} works without them.
   *
   * @param columns the fields to read (null = all); the primary key is always read
   * @throws CorruptFileException when the stats, the length or the row count do not agree
   */
  public static SegmentRowGroups open(Configuration conf, Path segmentDir, CollectionSchema schema,
      @Nullable Set<String> columns, boolean systemColumns) {
    SegmentStats stats = SegmentReader.readStats(conf, segmentDir, schema);
    Path data = new Path(segmentDir, SegmentFiles.DATA_FILE);
    String file = data.toString();
    List<FieldSchema> fields = new ArrayList<>();
    for (FieldSchema f : schema.fields()) {
      if (columns == null || columns.contains(f.name()) || f.isPrimaryKey()) {
        fields.add(f);
      }
    }
    boolean readMeta = schema.dynamicField() && (columns == null || columns.contains(CollectionSchema.DYNAMIC_FIELD));
    ParquetFileReader reader = null;
    try {
      FileSystem fs = data.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(data);
      if (st.getLen() != stats.dataBytes()) {
        throw new CorruptFileException(file, "length " + st.getLen() + " differs from the " + stats.dataBytes()
            + " bytes its stats file records");
      }
      ParquetReadOptions options = HadoopReadOptions.builder(conf).usePageChecksumVerification(true).build();
      reader = ParquetFileReader.open(HadoopInputFile.fromStatus(st, conf), options);
      if (reader.getRecordCount() != stats.rowCount()) {
        throw new CorruptFileException(file, "has " + reader.getRecordCount() + " rows, its stats record "
            + stats.rowCount());
      }
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> projected = new ArrayList<>();
      for (FieldSchema f : fields) {
        projected.add(SegmentReader.column(fileSchema, f.name(), file));
      }
      if (readMeta) {
        projected.add(SegmentReader.column(fileSchema, AvroSchemas.META_COLUMN, file));
      }
      if (systemColumns) {
        projected.add(SegmentReader.column(fileSchema, AvroSchemas.SEQ_COLUMN, file));
        projected.add(SegmentReader.column(fileSchema, AvroSchemas.OFFSET_COLUMN, file));
      }
      MessageType requested = new MessageType(fileSchema.getName(), projected);
      reader.setRequestedSchema(requested);
      return new SegmentRowGroups(schema, stats, file, reader, fields, readMeta, requested, systemColumns);
    } catch (IOException | ParquetRuntimeException | IllegalStateException | IllegalArgumentException e) {
      closeQuietly(reader);
      throw new CorruptFileException(file, e.toString(), e);
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e;
    }
  }

  public SegmentStats stats() {
    return stats;
  }

  /** Number of row groups in the data file. */
  public int rowGroupCount() {
    return firstRows.length - 1;
  }

  /** Rows of row group {@code i}. */
  public long rowCount(int i) {
    return firstRows[i + 1] - firstRows[i];
  }

  /** Position in the segment of the first row of row group {@code i}. */
  public long firstRow(int i) {
    return firstRows[i];
  }

  /**
   * Reads row groups {@code [first, first + count)} into one {@link SegmentData} owned by the caller (close it);
   * its row 0 is segment row {@link #firstRow(int) firstRow(first)}.
   */
  public SegmentData read(BufferAllocator allocator, int first, int count) {
    if (first < 0 || count < 0 || first + count > rowGroupCount()) {
      throw new IllegalArgumentException("Cannot read row groups " + first + " (+" + count + ") of " + file
          + ": it has " + rowGroupCount());
    }
    return SegmentReader.read(this, allocator, first, count);
  }

  /**
   * Streams row groups {@code [first, first + count)} in batches of at most {@code batchRows} rows, reusing one set of
   * Arrow vectors and float buffers for every batch (see {@link RowGroupBatches}); close the result.
   */
  public RowGroupBatches batches(BufferAllocator allocator, int first, int count, int batchRows) {
    if (first < 0 || count < 0 || first + count > rowGroupCount()) {
      throw new IllegalArgumentException("Cannot read row groups " + first + " (+" + count + ") of " + file
          + ": it has " + rowGroupCount());
    }
    if (batchRows < 1) {
      throw new IllegalArgumentException("Cannot read " + file + " in batches of " + batchRows
          + " rows: the batch size must be positive");
    }
    return new RowGroupBatches(this, allocator, first, count, batchRows);
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + file, e);
    }
  }

  private static void closeQuietly(@Nullable ParquetFileReader r) {
    if (r != null) {
      try {
        r.close();
      } catch (IOException | RuntimeException ignored) {
        // the open failure is the error to report
      }
    }
  }
}
