package io.quiver.engine.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.testing.TestData;
import io.quiver.engine.wal.EncodedRow;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalRecord;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment files written without Avro records keep parquet-avro's layout: any parquet-avro reader reads them. */
class SegmentFileWriterTest {
  @TempDir Path tmp;
  private final Configuration conf = Catalog.localAsRaw(new Configuration());
  private final CollectionSchema schema = TestData.docs(8);

  @Test
  void dataFileHasParquetAvrosSchemaAndReadsBackThroughParquetAvro() throws Exception {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.toUri());
    List<Row> rows = TestData.docs(schema, 0, 300, 5);
    String id = SegmentFiles.walSegmentId("docs", 1, 40, 339);
    try (SegmentWriter w = SegmentWriter.create(conf, dir, schema, id, "_default", 1)) {
      for (int i = 0; i < rows.size(); i++) {
        w.write(rows.get(i), i % 3, 40 + i);
      }
      w.finish();
    }
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path(SegmentFiles.segmentDir(dir, id),
        SegmentFiles.DATA_FILE);

    Configuration threeLevel = new Configuration(conf);
    threeLevel.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    try (ParquetFileReader f = ParquetFileReader.open(HadoopInputFile.fromPath(data, conf))) {
      FileMetaData meta = f.getFooter().getFileMetaData();
      assertThat(meta.getSchema()).as("Parquet schema = parquet-avro's conversion of the segment's Avro schema")
          .isEqualTo(new AvroSchemaConverter(threeLevel).convert(AvroSchemas.segmentSchema(schema)));
      assertThat(meta.getKeyValueMetaData()).as("footer carries the Avro schema")
          .containsEntry(SegmentFileWriter.AVRO_SCHEMA_KEY, AvroSchemas.segmentSchema(schema).toString());
      for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : f.getFooter().getBlocks().get(0).getColumns()) {
        String top = c.getPath().toArray()[0];
        boolean vector = schema.fields().stream().anyMatch(fs -> fs.name().equals(top)
            && fs.type() == io.quiver.engine.schema.DataType.FLOAT_VECTOR);
        assertThat(c.getCodec()).as("codec of %s", c.getPath()).isEqualTo(vector
            ? org.apache.parquet.hadoop.metadata.CompressionCodecName.UNCOMPRESSED
            : org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY);
        boolean unique = top.equals(schema.primaryKey().name()) || top.equals(AvroSchemas.OFFSET_COLUMN);
        if (unique) {
          assertThat(c.hasDictionaryPage()).as("dictionary of the unique column %s", top).isFalse();
        }
      }
    }

    int seqPos = AvroSchemas.segmentSchema(schema).getField(AvroSchemas.SEQ_COLUMN).pos();
    try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
        HadoopInputFile.fromPath(data, conf)).withConf(conf).build()) {
      for (int i = 0; i < rows.size(); i++) {
        GenericRecord rec = r.read();
        assertThat(rec).as("record %s", i).isNotNull();
        assertThat(AvroSchemas.fromRecord(schema, rec)).as("row %s", i).isEqualTo(rows.get(i));
        assertThat(rec.get(seqPos)).as("__seq of row %s", i).isEqualTo((long) (i % 3));
        assertThat(rec.get(seqPos + 1)).as("__offset of row %s", i).isEqualTo(40L + i);
      }
      assertThat(r.read()).as("no more records").isNull();
    }
  }

  /**
   * Vector pages written whole ({@link VectorPages}): many pages and row groups (a 256 KB row group size), a 1-d and
   * a 300-d vector field; Parquet's own reader (parquet-avro) and the engine's bulk reader both read every vector.
   */
  @Test
  void vectorPagesSpanningPagesAndRowGroupsReadBackThroughBothReaders() throws Exception {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("one", 1, io.quiver.engine.schema.MetricType.L2)
        .vector("wide", 300, io.quiver.engine.schema.MetricType.IP)
        .varchar("tag", 8, true).build();
    java.util.Random rnd = new java.util.Random(5);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      float[] wide = new float[300];
      for (int d = 0; d < wide.length; d++) {
        wide[d] = (float) rnd.nextGaussian();
      }
      java.util.Map<String, Object> m = new java.util.HashMap<>();
      m.put("id", (long) i);
      m.put("one", new float[] {i * 0.5f});
      m.put("wide", wide);
      m.put("tag", i % 7 == 0 ? null : "t" + (i % 5));
      rows.add(Row.of(s, m));
    }
    Configuration small = new Configuration(conf);
    small.setLong(org.apache.parquet.hadoop.ParquetOutputFormat.BLOCK_SIZE, 256 << 10);
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.toUri());
    try (SegmentWriter w = SegmentWriter.create(small, dir, s, "many", "_default", 0)) {
      for (int i = 0; i < rows.size(); i++) {
        w.write(rows.get(i), 0, i);
      }
      w.finish();
    }
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path(SegmentFiles.segmentDir(dir, "many"),
        SegmentFiles.DATA_FILE);
    try (ParquetFileReader f = ParquetFileReader.open(HadoopInputFile.fromPath(data, conf))) {
      assertThat(f.getRowGroups()).as("row groups of a 256 KB row group size").hasSizeGreaterThan(5);
    }
    try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
        HadoopInputFile.fromPath(data, conf)).withConf(conf).build()) {
      for (int i = 0; i < rows.size(); i++) {
        GenericRecord rec = r.read();
        assertThat(AvroSchemas.fromRecord(s, rec)).as("row %s through parquet-avro", i).isEqualTo(rows.get(i));
      }
      assertThat(r.read()).as("no more records").isNull();
    }
    try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
        SegmentData d = SegmentReader.read(conf, SegmentFiles.segmentDir(dir, "many"), s, allocator, null)) {
      assertThat(d.rowCount()).isEqualTo(rows.size());
      float[] one = d.vectors("one");
      float[] wide = d.vectors("wide");
      for (int i = 0; i < rows.size(); i++) {
        assertThat(one[i]).as("1-d vector of row %s", i).isEqualTo(i * 0.5f);
        assertThat(java.util.Arrays.copyOfRange(wide, i * 300, (i + 1) * 300)).as("300-d vector of row %s", i)
            .isEqualTo((float[]) rows.get(i).get(2));
      }
    }
  }

  /**
   * A WAL record parsed in place ({@link EncodedRow}) writes the same segment as its decoded row, also when the two
   * kinds of rows alternate in one writer (as in a seal: rows decoded ahead or converted between rows parsed in place):
   * the data files are equal byte for byte and so are the stats (every type, nulls, dynamic fields), with many small
   * row groups and with one row group whose vector pages fill.
   */
  @Test
  void aRecordParsedInPlaceWritesTheSameSegmentAsItsDecodedRow() throws Exception {
    CollectionSchema s = TestData.docs(40);
    WalCodec codec = new WalCodec(s);
    EncodedRow in = new EncodedRow(s);
    List<Row> rows = TestData.docs(s, -1_000, 9_000, 8);
    for (long blockSize : new long[] {64 << 10, ParquetWriter.DEFAULT_BLOCK_SIZE}) {
      Configuration c = new Configuration(conf);
      c.setLong(org.apache.parquet.hadoop.ParquetOutputFormat.BLOCK_SIZE, blockSize);
      java.util.Map<String, SegmentStats> stats = new java.util.LinkedHashMap<>();
      for (String mode : new String[] {"decoded", "in-place", "mixed"}) {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve(blockSize + "-" + mode).toUri());
        try (SegmentWriter w = SegmentWriter.create(c, dir, s, "seg", "_default", 2)) {
          for (int i = 0; i < rows.size(); i++) {
            byte[] value = codec.encode(WalRecord.upsert(s.version(), "_default", rows.get(i).get(0), rows.get(i)));
            boolean inPlace = mode.equals("in-place") || (mode.equals("mixed") && i % 3 != 0);
            if (inPlace) {
              assertThat(in.parse(value, 0, value.length)).as("row %s parsed in place", i).isTrue();
              w.write(in, i % 4, 100 + i);
            } else {
              w.write(codec.decode(value).row(), i % 4, 100 + i);
            }
          }
          stats.put(mode, w.finish());
        }
      }
      SegmentStats expected = stats.get("decoded");
      assertThat(expected.fields().get("title").min()).as("a text min").isEqualTo("doc -1");
      byte[] data = java.nio.file.Files.readAllBytes(tmp.resolve(blockSize + "-decoded/segments/seg/"
          + SegmentFiles.DATA_FILE));
      for (String mode : new String[] {"in-place", "mixed"}) {
        assertThat(stats.get(mode).fields()).as("%s field stats (values and their types)", mode)
            .isEqualTo(expected.fields());
        assertThat(stats.get(mode).toBytes()).as("%s stats file", mode).isEqualTo(expected.toBytes());
        assertThat(java.nio.file.Files.readAllBytes(tmp.resolve(blockSize + "-" + mode + "/segments/seg/"
            + SegmentFiles.DATA_FILE))).as("%s data file, row groups of %s bytes", mode, blockSize).isEqualTo(data);
      }
      try (ParquetFileReader f = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(
          SegmentFiles.segmentDir(new org.apache.hadoop.fs.Path(tmp.resolve(blockSize + "-decoded").toUri()), "seg"),
          SegmentFiles.DATA_FILE), conf))) {
        if (blockSize == ParquetWriter.DEFAULT_BLOCK_SIZE) {
          assertThat(f.getRowGroups()).as("one row group").hasSize(1);
          assertThat(f.getRowGroups().get(0).getRowCount()).as("more rows than a 40-d vector page holds")
              .isGreaterThan(VectorPages.PAGE_BYTES / (40 * 4));
        } else {
          assertThat(f.getRowGroups()).as("row groups").hasSizeGreaterThan(5);
        }
      }
    }
  }

  /**
   * The INT64 primary key, {@code __seq} and {@code __offset} written a page at a time ({@link LongPages}): pages end
   * at Parquet's page row limit and with the row group, each column chunk's statistics and each page's column-index
   * entry hold that chunk's or page's min and max, and Parquet's own reader reads every value back.
   */
  @Test
  void longPagesHoldTheirMinMaxInChunkStatisticsAndPageIndexes_andReadBack() throws Exception {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("v", 2, io.quiver.engine.schema.MetricType.L2).varchar("tag", 8, true).build();
    int n = 90_000;
    long[] ids = new long[n];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    for (int i = 0; i < n; i++) {
      ids[i] = i * 3L - 70_000; // negative and positive keys, shuffled below
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      long t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    Configuration small = new Configuration(conf);
    small.setLong(org.apache.parquet.hadoop.ParquetOutputFormat.BLOCK_SIZE, 1 << 20);
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.toUri());
    try (SegmentWriter w = SegmentWriter.create(small, dir, s, "longs", "_default", 0)) {
      for (int i = 0; i < n; i++) {
        w.write(Row.of(s, java.util.Map.of("id", ids[i], "v", new float[] {i, -i}, "tag", "t" + i % 3)), i / 1000,
            500L + i);
      }
      w.finish();
    }
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path(SegmentFiles.segmentDir(dir, "longs"),
        SegmentFiles.DATA_FILE);
    try (ParquetFileReader f = ParquetFileReader.open(HadoopInputFile.fromPath(data, conf))) {
      assertThat(f.getRowGroups()).as("row groups of a 1 MB row group size").hasSizeGreaterThan(1);
      int first = 0;
      int pagesOverLimit = 0;
      for (org.apache.parquet.hadoop.metadata.BlockMetaData b : f.getFooter().getBlocks()) {
        int rows = (int) b.getRowCount();
        for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : b.getColumns()) {
          String col = c.getPath().toDotString();
          java.util.function.IntToLongFunction value = switch (col) {
            case "id" -> i -> ids[i];
            case AvroSchemas.SEQ_COLUMN -> i -> i / 1000;
            case AvroSchemas.OFFSET_COLUMN -> i -> 500L + i;
            default -> null;
          };
          if (value == null) {
            continue;
          }
          int from = first;
          long[] chunk = java.util.stream.IntStream.range(from, from + rows).mapToLong(value).toArray();
          assertThat(c.getStatistics().genericGetMin()).as("min of %s in the row group from row %s", col, from)
              .isEqualTo(java.util.Arrays.stream(chunk).min().getAsLong());
          assertThat(c.getStatistics().genericGetMax()).as("max of %s", col)
              .isEqualTo(java.util.Arrays.stream(chunk).max().getAsLong());
          assertThat(c.getStatistics().getNumNulls()).isZero();
          org.apache.parquet.internal.column.columnindex.ColumnIndex index = f.readColumnIndex(c);
          org.apache.parquet.internal.column.columnindex.OffsetIndex offsets = f.readOffsetIndex(c);
          assertThat(index).as("column index of %s", col).isNotNull();
          for (int p = 0; p < offsets.getPageCount(); p++) {
            int pFrom = (int) offsets.getFirstRowIndex(p);
            int pTo = (int) offsets.getLastRowIndex(p, rows) + 1;
            assertThat(pTo - pFrom).as("rows of a page").isLessThanOrEqualTo(
                org.apache.parquet.column.ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT);
            long[] page = java.util.Arrays.copyOfRange(chunk, pFrom, pTo);
            assertThat(littleEndianLong(index.getMinValues().get(p)))
                .as("page %s min of %s", p, col).isEqualTo(java.util.Arrays.stream(page).min().getAsLong());
            assertThat(littleEndianLong(index.getMaxValues().get(p)))
                .as("page %s max of %s", p, col).isEqualTo(java.util.Arrays.stream(page).max().getAsLong());
          }
          pagesOverLimit += rows > org.apache.parquet.column.ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT ? 1 : 0;
        }
        first += rows;
      }
      assertThat(first).isEqualTo(n);
      assertThat(pagesOverLimit).as("row groups that needed more than one page per column").isPositive();
    }
    int seqPos = AvroSchemas.segmentSchema(s).getField(AvroSchemas.SEQ_COLUMN).pos();
    try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
        HadoopInputFile.fromPath(data, conf)).withConf(conf).build()) {
      for (int i = 0; i < n; i++) {
        GenericRecord rec = r.read();
        assertThat(rec.get("id")).as("id of row %s", i).isEqualTo(ids[i]);
        assertThat(rec.get(seqPos)).as("__seq of row %s", i).isEqualTo((long) (i / 1000));
        assertThat(rec.get(seqPos + 1)).as("__offset of row %s", i).isEqualTo(500L + i);
      }
      assertThat(r.read()).isNull();
    }
  }

  /** A column index's INT64 bound: its 8 PLAIN (little-endian) bytes. */
  private static long littleEndianLong(java.nio.ByteBuffer b) {
    return b.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(b.position());
  }
}
