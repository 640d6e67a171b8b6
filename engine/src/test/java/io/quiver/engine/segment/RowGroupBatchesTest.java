package io.quiver.engine.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.util.Text;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming a segment in batches gives, batch after batch, exactly the rows of a whole-segment read: every field type
 * (the bulk vector and scalar page paths, the value-at-a-time BOOL path, nullable strings and JSON, the dynamic
 * field), batches that end inside a page and row groups that end inside a batch.
 */
class RowGroupBatchesTest {
  @TempDir Path tmp;
  private final BufferAllocator allocator = new RootAllocator();
  private final CollectionSchema schema = TestData.docs(8);
  private Configuration conf;
  private org.apache.hadoop.fs.Path segment;
  private List<Row> rows;

  @BeforeEach
  void write() {
    conf = Catalog.localAsRaw(new Configuration());
    conf.setLong("parquet.block.size", 32 * 1024); // several row groups of a few hundred rows
    String id = SegmentFiles.walSegmentId("docs", 0, 0, 4999);
    rows = TestData.docs(schema, 0, 5000, 7);
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.toUri());
    try (SegmentWriter w = SegmentWriter.create(conf, dir, schema, id, "_default", 0)) {
      long off = 0;
      for (Row r : rows) {
        w.write(r, 0, off++);
      }
      w.finish();
    }
    segment = SegmentFiles.segmentDir(dir, id);
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  @Test
  void batchesHoldTheRowsOfAWholeRead() {
    try (SegmentData whole = SegmentReader.read(conf, segment, schema, allocator, null);
        SegmentRowGroups groups = SegmentRowGroups.open(conf, segment, schema, null, false)) {
      assertThat(groups.rowGroupCount()).as("row groups").isGreaterThan(2);
      for (int batchRows : new int[] {333, 4096}) {
        long seen = 0;
        try (RowGroupBatches b = groups.batches(allocator, 0, groups.rowGroupCount(), batchRows)) {
          while (b.next()) {
            assertThat(b.firstRow()).as("first row of a batch of %s", batchRows).isEqualTo(seen);
            assertThat(b.rowCount()).isBetween(1, batchRows);
            assertSameRows(whole, b);
            seen += b.rowCount();
          }
        }
        assertThat(seen).as("rows streamed in batches of %s", batchRows).isEqualTo(5000);
      }
    }
  }

  @Test
  void aRunOfRowGroupsStartsAtItsFirstRow() {
    try (SegmentData whole = SegmentReader.read(conf, segment, schema, allocator, null);
        SegmentRowGroups groups = SegmentRowGroups.open(conf, segment, schema, null, false);
        RowGroupBatches b = groups.batches(allocator, 1, 2, 100)) {
      long seen = 0;
      while (b.next()) {
        assertThat(b.firstRow()).isEqualTo(groups.firstRow(1) + seen);
        assertSameRows(whole, b);
        seen += b.rowCount();
      }
      assertThat(seen).isEqualTo(groups.rowCount(1) + groups.rowCount(2));
    }
  }

  @Test
  void badArgumentsAreRefusedAndTheSystemColumnsAreNeeded() {
    try (SegmentRowGroups groups = SegmentRowGroups.open(conf, segment, schema, null, false)) {
      assertThatThrownBy(() -> groups.batches(allocator, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("batches of 0 rows");
      assertThatThrownBy(() -> groups.batches(allocator, 0, groups.rowGroupCount() + 1, 10))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("it has " + groups.rowGroupCount());
      assertThatThrownBy(() -> groups.read(allocator, 0, 1)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without its system columns");
    }
  }

  /** The batch's rows equal the rows written (and a whole-segment read of them). */
  private void assertSameRows(SegmentData whole, RowGroupBatches b) {
    int base = Math.toIntExact(b.firstRow());
    List<FieldSchema> fields = schema.fields();
    for (int i = 0; i < b.rowCount(); i++) {
      Row row = rows.get(base + i);
      assertThat(whole.row(base + i)).isEqualTo(row);
      for (int f = 0; f < fields.size(); f++) {
        FieldSchema field = fields.get(f);
        Object got;
        if (field.type().isVector()) {
          got = Arrays.copyOfRange(b.vectors(field.name()), i * field.dim(), (i + 1) * field.dim());
        } else {
          got = b.column(field.name()).getObject(i);
          got = got == null ? null : got instanceof Text ? got.toString() : got;
        }
        assertThat(got).as("%s of row %s", field.name(), base + i).isEqualTo(row.get(f));
      }
      Object meta = b.column(CollectionSchema.DYNAMIC_FIELD).getObject(i);
      assertThat(meta == null ? null : meta.toString()).as("dynamic field of row %s", base + i)
          .isEqualTo(row.meta());
    }
  }
}
