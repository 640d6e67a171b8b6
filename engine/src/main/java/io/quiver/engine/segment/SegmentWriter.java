package io.quiver.engine.segment;

import io.quiver.engine.io.HadoopFiles;
import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.wal.EncodedRow;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Writes one immutable segment: {@value SegmentFiles#DATA_FILE} (every field, vectors included, in parquet-avro's
 * layout of the segment's Avro schema, written by {@link SegmentFileWriter} through the Hadoop FileSystem API) and then
 * {@value SegmentFiles#STATS_FILE}.
 *
 * <p>Writing a segment makes nothing visible: only a manifest commit that lists it does. A writer that fails leaves
 * files no manifest reaches, which garbage collection removes; {@link #abort()} removes them at once when it can.
 * Rewriting the same segment id (a replay) overwrites the same files. Not thread-safe.
 */
public final class SegmentWriter implements Closeable {
  private final CollectionSchema schema;
  private final FileSystem fs;
  private final Path dir;
  private final String segmentId;
  private final String partition;
  private final int shard;
  private final Schema avro;
  private final SegmentFileWriter writer;
  private final FieldStats.Collector[] collectors;
  private final DataType[] types;
  private long rows;
  private long firstOffset = -1;
  private long lastOffset = -1;
  private boolean finished;

  private SegmentWriter(Configuration conf, Path collectionDir, CollectionSchema schema, String segmentId,
      String partition, int shard) throws IOException {
    this.schema = schema;
    this.dir = SegmentFiles.segmentDir(collectionDir, segmentId);
    this.fs = dir.getFileSystem(conf);
    this.segmentId = segmentId;
    this.partition = partition;
    this.shard = shard;
    this.avro = AvroSchemas.segmentSchema(schema);
    List<FieldSchema> fields = schema.fields();
    this.collectors = new FieldStats.Collector[fields.size()];
    this.types = new DataType[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      DataType t = fields.get(i).type();
      types[i] = t;
      collectors[i] = t.isVector() ? null : new FieldStats.Collector(t != DataType.JSON);
    }
    Configuration wconf = new Configuration(conf);
    // 3-level lists: Spark, Arrow and Parquet tools read vectors as ARRAY<FLOAT>.
    wconf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    // Dictionaries for the columns whose values repeat; a VARCHAR primary key is unique in a segment, where a
    // dictionary only adds a hash map per write and an indirection per read (an INT64 key, __seq and __offset are
    // written by LongPages, PLAIN, without Parquet's column writers).
    ParquetProperties props = ParquetProperties.builder()
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .withDictionaryEncoding(true)
        .withDictionaryEncoding(schema.primaryKey().name(), false)
        .withPageWriteChecksumEnabled(true)
        .withAllocator(PageBufferPool.SHARED)
        .build();
    // Parquet's own key: readers split segments by row group, so the row group size is the unit of a read task.
    long rowGroupSize = wconf.getLong(ParquetOutputFormat.BLOCK_SIZE, ParquetWriter.DEFAULT_BLOCK_SIZE);
    this.writer = new SegmentFileWriter(HadoopOutputFile.fromPath(new Path(dir, SegmentFiles.DATA_FILE), wconf),
        wconf, schema, avro, props, CompressionCodecName.SNAPPY, rowGroupSize);
  }

  /**
   * Opens a writer for segment {@code segmentId} under {@code collectionDir}.
   *
   * @param shard the WAL shard, or -1 for batch-written rows
   */
  public static SegmentWriter create(Configuration conf, Path collectionDir, CollectionSchema schema,
      String segmentId, String partition, int shard) {
    try {
      return new SegmentWriter(conf, collectionDir, schema, segmentId, partition, shard);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open segment " + segmentId + " under " + collectionDir, e);
    }
  }

  public String segmentId() {
    return segmentId;
  }

  public long rowCount() {
    return rows;
  }

  /**
   * Appends a validated row.
   *
   * @param seq the sequence number of the commit that first added the row, or 0 to inherit this segment's
   * @param offset the row's WAL offset (or its position in a bulk import); offsets must not decrease
   */
  public void write(Row row, long seq, long offset) {
    if (finished) {
      throw new IllegalStateException("Segment " + segmentId + " is already finished");
    }
    for (int i = 0; i < collectors.length; i++) {
      if (collectors[i] != null) {
        collectors[i].add(row.get(i));
      }
    }
    try {
      writer.write(row, seq, offset);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to segment " + segmentId, e);
    }
    written(offset);
  }

  /**
   * Appends a row parsed in place from a WAL record ({@link EncodedRow#parse} accepted it, so it is valid) of this
   * segment's schema version; the same rows, stats and file as {@link #write(Row, long, long)} of the decoded row.
   */
  public void write(EncodedRow row, long seq, long offset) {
    if (finished) {
      throw new IllegalStateException("Segment " + segmentId + " is already finished");
    }
    if (!row.isValid()) {
      throw new IllegalStateException("Segment " + segmentId + ": the row's last parse did not accept its record");
    }
    if (row.schema().version() != schema.version()) {
      throw new IllegalArgumentException("Segment " + segmentId + " holds schema version " + schema.version()
          + ", not " + row.schema().version());
    }
    for (int i = 0; i < collectors.length; i++) {
      FieldStats.Collector c = collectors[i];
      if (c == null) {
        continue;
      }
      if (row.isNull(i)) {
        c.addNull();
        continue;
      }
      switch (types[i]) {
        case INT32, INT64 -> c.addLong(row.longValue(i), types[i] == DataType.INT32);
        case VARCHAR, JSON -> c.addUtf8(row.bytes(), row.start(i), row.length(i));
        case BOOL -> c.add(row.boolValue(i));
        case FLOAT -> c.add(row.floatValue(i));
        case DOUBLE -> c.add(row.doubleValue(i));
        default -> throw new IllegalStateException("Unhandled type " + types[i]);
      }
    }
    try {
      writer.write(row, seq, offset);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to segment " + segmentId, e);
    }
    written(offset);
  }

  private void written(long offset) {
    if (firstOffset < 0 || offset < firstOffset) {
      firstOffset = offset;
    }
    lastOffset = Math.max(lastOffset, offset);
    rows++;
  }

  /** Closes the data file, writes the stats file and returns the stats (which go into the commit message). */
  public SegmentStats finish() {
    if (finished) {
      throw new IllegalStateException("Segment " + segmentId + " is already finished");
    }
    finished = true;
    try {
      writer.finish();
      long dataBytes = fs.getFileStatus(new Path(dir, SegmentFiles.DATA_FILE)).getLen();
      Map<String, FieldStats> fields = new LinkedHashMap<>();
      for (int i = 0; i < collectors.length; i++) {
        if (collectors[i] != null) {
          fields.put(schema.fields().get(i).name(), collectors[i].build());
        }
      }
      SegmentStats stats = new SegmentStats(segmentId, schema.version(), partition, shard, rows, firstOffset,
          lastOffset, dataBytes, fields);
      HadoopFiles.write(fs, new Path(dir, SegmentFiles.STATS_FILE), stats.toBytes(), true);
      return stats;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot finish segment " + segmentId, e);
    }
  }

  /** Gives up: closes quietly and deletes what was written. Never throws. */
  public void abort() {
    if (!finished) {
      finished = true;
      try {
        writer.close();
      } catch (RuntimeException ignored) {
        // the files are deleted below or left to garbage collection
      }
    }
    HadoopFiles.deleteQuietly(fs, dir, true);
  }

  /** Aborts unless {@link #finish()} was called. */
  @Override
  public void close() {
    if (!finished) {
      abort();
    }
  }
}
