package io.quiver.engine.segment;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.wal.EncodedRow;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes {@code data.parquet} from {@link Row}s in exactly the layout parquet-avro gives the segment's Avro schema
 * (see {@code package-info}): the Parquet schema is parquet-avro's conversion of that Avro schema (3-level lists) and
 * the footer carries the Avro schema under {@value #AVRO_SCHEMA_KEY}, so every reader reads the files the same.
 *
 * <p>Parquet's own pieces do the file (ParquetFileWriter: row groups, footer, page CRCs), compression and page
 * buffering (ColumnChunkPageWriteStore) and the other scalar columns (its column writers, fed directly: every
 * scalar column is a top-level primitive; dictionaries, statistics). The unique INT64 columns (an INT64 primary key,
 * {@code __offset}) and {@code __seq} bypass the column writers: {@link LongPages} writes their pages whole, PLAIN,
 * with their statistics. So do vector columns: {@link VectorPages} writes their data pages whole, uncompressed:
 * embeddings are close to random bits, so a general-purpose codec gains almost nothing on them and costs a compression
 * (and a copy) at every write and a decompression at every read; the other columns use the given codec (the codec is
 * a per-column-chunk property every Parquet reader follows). Row groups close at {@code rowGroupSize} buffered bytes,
 * as ParquetWriter's do.
 * Not thread-safe.
 */
final class SegmentFileWriter implements Closeable {
  /** The footer key parquet-avro reads its Avro schema from. */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";
  /** How many rows go between two checks of the buffered size against the row group size. */
  private static final int SIZE_CHECK_ROWS = 64;

  private final CollectionSchema schema;
  private final ParquetFileWriter file;
  private final ParquetProperties props;
  private final CodecFactory codecs;
  private final CompressionCodecFactory.BytesInputCompressor compressor;
  private final CompressionCodecFactory.BytesInputCompressor uncompressed;
  /** Runs of consecutive scalar top-level fields, and each vector field alone, in schema order: a page store each. */
  private final List<MessageType> runs = new ArrayList<>();
  /** Per run: whether it holds a vector field (written uncompressed). */
  private final List<Boolean> vectorRuns = new ArrayList<>();
  private final MessageType parquet;
  private final MessageType scalars;
  private final Map<String, String> footer;
  private final long rowGroupSize;
  /** Per schema field: its index in {@link #scalars}, or -1 for a vector field or a {@link LongPages} field. */
  private final int[] scalarIndex;
  private final String[] names;
  private final DataType[] types;
  private final VectorPages[] vectors; // per schema field, null for scalars
  /** Per schema field: the writer of an INT64 primary key's pages, else null. */
  private final LongPages[] longs;
  private final int metaIndex;
  private final LongPages seqPages;
  private final LongPages offsetPages;
  /** Every {@link LongPages} column: an INT64 primary key's, then __seq's and __offset's. */
  private final List<LongPages> longColumns = new ArrayList<>();
  /** The row group's page stores, one per run, and the page writers of all of them by column. */
  private final List<ColumnChunkPageWriteStore> stores = new ArrayList<>();
  private ColumnWriteStore columns;
  /** The row group's column writers, by index in {@link #scalars} (every scalar column is a top-level primitive). */
  private ColumnWriter[] scalarWriters;
  /** Per scalar column: its maximum definition level (1 for an optional column, 0 for a required one). */
  private final int[] scalarMaxDefinition;
  /** The row group's page writers of the vector fields, per schema field (null for scalars). */
  private final PageWriter[] vectorPageWriters;
  private long rows;

  SegmentFileWriter(OutputFile target, Configuration conf, CollectionSchema schema, Schema avro,
      ParquetProperties props, CompressionCodecName codec, long rowGroupSize) throws IOException {
    this.schema = schema;
    this.props = props;
    this.rowGroupSize = rowGroupSize;
    this.parquet = new AvroSchemaConverter(conf).convert(avro);
    List<Type> scalarFields = new ArrayList<>();
    List<FieldSchema> fields = schema.fields();
    this.scalarIndex = new int[fields.size()];
    this.names = new String[fields.size()];
    this.types = new DataType[fields.size()];
    this.vectors = new VectorPages[fields.size()];
    this.longs = new LongPages[fields.size()];
    int pageRows = props.getPageRowCountLimit();
    for (int i = 0; i < fields.size(); i++) {
      FieldSchema f = fields.get(i);
      names[i] = f.name();
      types[i] = f.type();
      scalarIndex[i] = -1;
      if (f.type() == DataType.FLOAT_VECTOR) {
        vectors[i] = new VectorPages(parquet.getColumnDescription(new String[] {f.name(), "list", "element"}),
            f.dim());
      } else if (f.type() == DataType.INT64 && i == schema.primaryKeyPosition()) {
        longs[i] = new LongPages(parquet.getColumnDescription(new String[] {f.name()}), pageRows);
        longColumns.add(longs[i]);
      } else {
        scalarIndex[i] = scalarFields.size();
        scalarFields.add(parquet.getType(f.name()));
      }
    }
    Schema.Field meta = avro.getField(io.quiver.engine.schema.AvroSchemas.META_COLUMN);
    if (meta != null) {
      scalarFields.add(parquet.getType(meta.name()));
    }
    this.scalars = new MessageType(parquet.getName(), scalarFields);
    this.metaIndex = meta == null ? -1 : scalars.getFieldIndex(meta.name());
    this.seqPages = new LongPages(parquet.getColumnDescription(new String[] {
        io.quiver.engine.schema.AvroSchemas.SEQ_COLUMN}), pageRows);
    this.offsetPages = new LongPages(parquet.getColumnDescription(new String[] {
        io.quiver.engine.schema.AvroSchemas.OFFSET_COLUMN}), pageRows);
    longColumns.add(seqPages);
    longColumns.add(offsetPages);
    this.scalarMaxDefinition = scalars.getColumns().stream().mapToInt(ColumnDescriptor::getMaxDefinitionLevel)
        .toArray();
    this.vectorPageWriters = new PageWriter[fields.size()];
    this.footer = Map.of(AVRO_SCHEMA_KEY, avro.toString(), ParquetWriter.OBJECT_MODEL_NAME_PROP, "avro");
    this.codecs = new CodecFactory(conf, props.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(codec);
    this.uncompressed = codecs.getCompressor(CompressionCodecName.UNCOMPRESSED);
    List<Type> run = new ArrayList<>();
    boolean runIsVector = false;
    for (int i = 0; i < parquet.getFieldCount(); i++) {
      boolean vector = i < fields.size() && vectors[i] != null;
      if (!run.isEmpty() && (vector || runIsVector)) {
        runs.add(new MessageType(parquet.getName(), run));
        vectorRuns.add(runIsVector);
        run = new ArrayList<>();
      }
      run.add(parquet.getType(i));
      runIsVector = vector;
    }
    runs.add(new MessageType(parquet.getName(), run));
    vectorRuns.add(runIsVector);
    this.file = new ParquetFileWriter(target, parquet, ParquetFileWriter.Mode.OVERWRITE, rowGroupSize,
        ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, props);
    file.start();
    startRowGroup();
  }

  private void startRowGroup() {
    Map<ColumnDescriptor, ColumnChunkPageWriteStore> byColumn = new HashMap<>();
    for (int r = 0; r < runs.size(); r++) {
      MessageType run = runs.get(r);
      ColumnChunkPageWriteStore store = new ColumnChunkPageWriteStore(vectorRuns.get(r) ? uncompressed : compressor,
          run, props.getAllocator(), props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
      stores.add(store);
      run.getColumns().forEach(c -> byColumn.put(c, store));
    }
    PageWriteStore pages = c -> byColumn.get(c).getPageWriter(c);
    // Page writers are looked up by column path, so the scalar store writes into the full schema's chunks.
    columns = props.newColumnWriteStore(scalars, pages);
    scalarWriters = scalars.getColumns().stream().map(columns::getColumnWriter).toArray(ColumnWriter[]::new);
    for (int i = 0; i < vectors.length; i++) {
      vectorPageWriters[i] = vectors[i] == null ? null : pages.getPageWriter(vectors[i].descriptor());
    }
    longColumns.forEach(l -> l.startRowGroup(pages));
  }

  /** Appends one row with its system columns. */
  void write(Row row, long seq, long offset) throws IOException {
    for (int i = 0; i < names.length; i++) {
      Object v = row.get(i);
      if (vectors[i] != null) {
        float[] vec = (float[]) v;
        if (vec == null || vec.length != schema.fields().get(i).dim()) {
          throw new IllegalArgumentException("Cannot write vector field '" + names[i] + "': "
              + (vec == null ? "null" : "dimension " + vec.length) + ", expected " + schema.fields().get(i)
              .typeString());
        }
        vectors[i].add(vec, vectorPageWriters[i]);
      } else if (longs[i] != null) {
        if (v == null) {
          throw new IllegalArgumentException("Cannot write a null into the required column '" + names[i] + "'");
        }
        longs[i].add((Long) v);
      } else if (v != null) {
        writeScalar(schema.fields().get(i), scalarIndex[i], v);
      } else {
        writeNull(scalarIndex[i]);
      }
    }
    if (metaIndex >= 0) {
      if (row.meta() != null) {
        scalarWriters[metaIndex].write(Binary.fromString(row.meta()), 0, scalarMaxDefinition[metaIndex]);
      } else {
        writeNull(metaIndex);
      }
    }
    endRow(seq, offset);
  }

  /**
   * Appends one row parsed in place from a WAL record of this file's schema version, with its system columns: a
   * vector's bytes go straight into its page and text bytes into their column, the same file as {@link #write(Row,
   * long, long)} of the decoded row writes ({@code SegmentFileWriterTest} compares the two byte for byte).
   */
  void write(EncodedRow row, long seq, long offset) throws IOException {
    byte[] b = row.bytes();
    for (int i = 0; i < names.length; i++) {
      if (vectors[i] != null) {
        vectors[i].add(b, row.start(i), vectorPageWriters[i]);
        continue;
      }
      if (longs[i] != null) {
        longs[i].add(row.longValue(i)); // a parsed row has no null in a required field
        continue;
      }
      int k = scalarIndex[i];
      if (row.isNull(i)) {
        writeNull(k);
        continue;
      }
      ColumnWriter w = scalarWriters[k];
      int d = scalarMaxDefinition[k];
      switch (types[i]) {
        case BOOL -> w.write(row.boolValue(i), 0, d);
        case INT32 -> w.write((int) row.longValue(i), 0, d);
        case INT64 -> w.write(row.longValue(i), 0, d);
        case FLOAT -> w.write(row.floatValue(i), 0, d);
        case DOUBLE -> w.write(row.doubleValue(i), 0, d);
        case VARCHAR, JSON -> w.write(Binary.fromReusedByteArray(b, row.start(i), row.length(i)), 0, d);
        default -> throw new IllegalStateException("Unhandled type " + types[i] + " of field " + names[i]);
      }
    }
    if (metaIndex >= 0) {
      if (row.hasMeta()) {
        scalarWriters[metaIndex].write(Binary.fromReusedByteArray(b, row.metaStart(), row.metaLength()), 0,
            scalarMaxDefinition[metaIndex]);
      } else {
        writeNull(metaIndex);
      }
    }
    endRow(seq, offset);
  }

  private void endRow(long seq, long offset) throws IOException {
    seqPages.add(seq);
    offsetPages.add(offset);
    columns.endRecord();
    if (++rows % SIZE_CHECK_ROWS == 0 && bufferedBytes() >= rowGroupSize) {
      flushRowGroup(true);
    }
  }

  private long bufferedBytes() {
    long n = columns.getBufferedSize();
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i] != null) {
        n += vectors[i].bufferedBytes() + vectorPageWriters[i].getMemSize();
      }
    }
    for (LongPages l : longColumns) {
      n += l.bufferedBytes();
    }
    return n;
  }

  /** A null in scalar column {@code k}: a definition level of 0, which only an optional column may take. */
  private void writeNull(int k) {
    if (scalarMaxDefinition[k] == 0) {
      throw new IllegalArgumentException("Cannot write a null into the required column '" + scalars.getFieldName(k)
          + "'");
    }
    scalarWriters[k].writeNull(0, 0);
  }

  /**
   * A value in scalar column {@code k}, written straight to its column writer (every scalar column is a top-level
   * primitive, so the repetition level is 0 and a value's definition level the column's maximum): Parquet's record
   * consumer did the same with a field-tracking bit set and a walk of the schema per row.
   */
  private void writeScalar(FieldSchema f, int k, Object v) {
    ColumnWriter w = scalarWriters[k];
    int d = scalarMaxDefinition[k];
    switch (f.type()) {
      case BOOL -> w.write((Boolean) v, 0, d);
      case INT32 -> w.write((Integer) v, 0, d);
      case INT64 -> w.write((Long) v, 0, d);
      case FLOAT -> w.write((Float) v, 0, d);
      case DOUBLE -> w.write((Double) v, 0, d);
      case VARCHAR, JSON -> w.write(Binary.fromString((String) v), 0, d);
      default -> throw new IllegalStateException("Unhandled type " + f.type() + " of field " + f.name());
    }
  }

  /** Writes the row group out; with {@code next}, starts the next one (not after the last). */
  private void flushRowGroup(boolean next) throws IOException {
    if (rows == 0) {
      return;
    }
    file.startBlock(rows);
    columns.flush();
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i] != null) {
        vectors[i].flush(vectorPageWriters[i]);
      }
    }
    for (LongPages l : longColumns) {
      l.flush();
    }
    for (ColumnChunkPageWriteStore store : stores) {
      store.flushToFileWriter(file); // runs in schema order: the row group's column chunks are too
    }
    file.endBlock();
    columns.close();
    columns = null;
    closeStores();
    rows = 0;
    if (next) {
      startRowGroup();
    }
  }

  /** Writes the last row group and the footer. */
  void finish() throws IOException {
    try {
      flushRowGroup(false);
      file.end(footer);
    } finally {
      release();
    }
  }

  /** Releases buffers and the output stream without finishing the file (a failed or abandoned write). */
  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException | RuntimeException ignored) {
      // the caller deletes the unfinished file or leaves it to garbage collection
    } finally {
      release();
    }
  }

  private void closeStores() {
    stores.forEach(ColumnChunkPageWriteStore::close);
    stores.clear();
  }

  private void release() {
    try {
      if (columns != null) {
        columns.close();
        columns = null;
      }
      closeStores();
    } finally {
      codecs.release();
    }
  }
}
