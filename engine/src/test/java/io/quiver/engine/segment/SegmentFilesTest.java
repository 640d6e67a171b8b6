package io.quiver.engine.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {
  @TempDir Path tmp;
  private final BufferAllocator allocator = new RootAllocator();
  private final Configuration conf = Catalog.localAsRaw(new Configuration());
  private final CollectionSchema schema = TestData.docs(8);

  @AfterEach
  void close() {
    allocator.close();
  }

  private org.apache.hadoop.fs.Path dir() {
    return new org.apache.hadoop.fs.Path(tmp.toUri());
  }

  private SegmentStats write(String id, List<Row> rows, long firstOffset) {
    try (SegmentWriter w = SegmentWriter.create(conf, dir(), schema, id, "_default", 3)) {
      long off = firstOffset;
      for (Row r : rows) {
        w.write(r, 0, off++);
      }
      return w.finish();
    }
  }

  @Test
  void writeThenReadGivesTheSameRowsAndStats() {
    List<Row> rows = TestData.docs(schema, 100, 500, 1);
    String id = SegmentFiles.walSegmentId("docs", 3, 1000, 1499);
    SegmentStats stats = write(id, rows, 1000);
    assertThat(stats.rowCount()).isEqualTo(500);
    assertThat(stats.firstOffset()).isEqualTo(1000);
    assertThat(stats.lastOffset()).isEqualTo(1499);
    assertThat(stats.field("id").min()).isEqualTo(100L);
    assertThat(stats.field("id").max()).isEqualTo(599L);
    assertThat(stats.field("title").nullCount()).isEqualTo(rows.stream().filter(r -> r.get(2) == null).count());
    assertThat(stats.field("year").min()).isEqualTo(1990);

    try (SegmentData data = SegmentReader.read(conf, SegmentFiles.segmentDir(dir(), id), schema, allocator, null)) {
      assertThat(data.rowCount()).isEqualTo(500);
      assertThat(data.stats()).isEqualTo(stats);
      for (int i = 0; i < rows.size(); i++) {
        assertThat(data.row(i)).as("row %s", i).isEqualTo(rows.get(i));
      }
      assertThat(data.offsets()[0]).isEqualTo(1000);
      assertThat(data.sequenceNumbers()).containsOnly(0L);
      float[] emb = data.vectors("emb");
      assertThat(emb).hasSize(500 * 8);
      assertThat(java.util.Arrays.copyOfRange(emb, 8, 16)).containsExactly((float[]) rows.get(1).get(1));
      assertThat(((BigIntVector) data.column("id")).get(499)).isEqualTo(599L);
    }
  }

  @Test
  void projectionReadsOnlyWhatIsAsked() {
    String id = SegmentFiles.batchSegmentId("import");
    write(id, TestData.docs(schema, 0, 50, 2), 0);
    try (SegmentData data = SegmentReader.read(conf, SegmentFiles.segmentDir(dir(), id), schema, allocator,
        Set.of("year"))) {
      assertThat(data.column("year")).isNotNull();
      assertThat(data.column("id")).as("the primary key is always read").isNotNull();
      assertThat(data.column("title")).isNull();
      assertThat(data.hasVectors("emb")).isFalse();
    }
  }

  @Test
  void segmentIdsAreDeterministic() {
    assertThat(SegmentFiles.walSegmentId("c", 1, 10, 20)).isEqualTo(SegmentFiles.walSegmentId("c", 1, 10, 20))
        .startsWith("w0001-0000000000000000010-0000000000000000020-")
        .isNotEqualTo(SegmentFiles.walSegmentId("d", 1, 10, 20));
    assertThat(SegmentFiles.batchSegmentId("import", "job-1/task-3"))
        .isEqualTo(SegmentFiles.batchSegmentId("import", "job-1/task-3"));
  }

  @Test
  void badChecksumInStatsIsRefused() throws IOException {
    String id = "s1";
    write(id, TestData.docs(schema, 0, 10, 3), 0);
    Path stats = tmp.resolve("segments/s1/stats.json");
    String text = Files.readString(stats).replace("\"row-count\" : 10", "\"row-count\" : 11");
    Files.writeString(stats, text);
    assertThatThrownBy(() -> SegmentReader.read(conf, SegmentFiles.segmentDir(dir(), id), schema, allocator, null))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining("stats.json").hasMessageContaining("checksum mismatch");
  }

  @Test
  void unknownFormatVersionIsRefused() throws IOException {
    write("s2", TestData.docs(schema, 0, 10, 3), 0);
    Path stats = tmp.resolve("segments/s2/stats.json");
    Files.writeString(stats, Files.readString(stats).replace("\"format-version\":1", "\"format-version\":7"));
    assertThatThrownBy(() -> SegmentReader.readStats(conf, SegmentFiles.segmentDir(dir(), "s2"), schema))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining("unknown format version 7");
  }

  @Test
  void corruptDataFileIsRefused() throws IOException {
    write("s3", TestData.docs(schema, 0, 200, 4), 0);
    Path data = tmp.resolve("segments/s3/data.parquet");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 3] ^= 0x5a; // inside a data page
    Files.write(data, bytes);
    assertThatThrownBy(() -> SegmentReader.read(conf, SegmentFiles.segmentDir(dir(), "s3"), schema, allocator, null))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining("data.parquet");
    Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> SegmentReader.read(conf, SegmentFiles.segmentDir(dir(), "s3"), schema, allocator, null))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining("differs from the");
  }

  @Test
  void abortRemovesWhatWasWritten() {
    SegmentWriter w = SegmentWriter.create(conf, dir(), schema, "s4", "_default", 0);
    TestData.docs(schema, 0, 10, 5).forEach(r -> w.write(r, 0, 0));
    w.abort();
    assertThat(tmp.resolve("segments/s4")).doesNotExist();
  }

  @Test
  void deleteFilesRoundTrip() {
    org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(dir(), SegmentFiles.walDeleteFile(2, 5, 9));
    List<DeleteFiles.Delete> deletes = List.of(new DeleteFiles.Delete(7L, 5), new DeleteFiles.Delete(9L, 9));
    assertThat(DeleteFiles.write(conf, f, DataType.INT64, deletes)).isPositive();
    assertThat(DeleteFiles.read(conf, f, DataType.INT64)).isEqualTo(deletes);
    org.apache.hadoop.fs.Path g = new org.apache.hadoop.fs.Path(dir(), SegmentFiles.batchDeleteFile(0, "x"));
    List<DeleteFiles.Delete> s = List.of(new DeleteFiles.Delete("a", DeleteFiles.AFTER_EVERY_OFFSET));
    DeleteFiles.write(conf, g, DataType.VARCHAR, s);
    assertThat(DeleteFiles.read(conf, g, DataType.VARCHAR)).isEqualTo(s);
    assertThat(new String(new byte[0], StandardCharsets.UTF_8)).isEmpty();
  }
}
