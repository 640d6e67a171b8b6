package io.quiver.engine.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** A collection on S3 (S3Proxy) through Hadoop S3A: write, commit, reopen at that version, read back equal. */
@QuiverServers(s3 = true)
class S3WarehouseIT {
  private static final int ROWS = 10_000;
  private static final int DIM = 128;

  @Test
  void tenThousandRowsRoundTripThroughS3A(EmbeddedS3 s3) {
    Catalog catalog = Catalog.open(s3.warehouseUri("warehouse"), s3.hadoopProperties());
    CollectionSchema schema = TestData.docs(DIM);
    catalog.create("docs", schema, 2, Map.of(), Map.of());
    List<Row> rows = TestData.docs(schema, 0, ROWS, 42);

    // Two segments, as two shards' seals would write them, committed in one commit.
    List<SegmentEntry> written = new ArrayList<>();
    for (int shard = 0; shard < 2; shard++) {
      List<Row> part = rows.subList(shard * ROWS / 2, (shard + 1) * ROWS / 2);
      String id = SegmentFiles.walSegmentId("docs", shard, 0, part.size() - 1);
      try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), schema, id,
          "_default", shard)) {
        long off = 0;
        for (Row r : part) {
          w.write(r, 0, off++);
        }
        SegmentStats stats = w.finish();
        written.add(SegmentEntry.written(stats, Map.of()));
      }
    }
    Manifest committed = catalog.committer("docs").commit(CommitMessage.builder("stream")
        .addSegments(written).covers(0, 0, ROWS / 2 - 1).covers(1, 0, ROWS / 2 - 1).build());
    assertThat(committed.version()).isEqualTo(2);
    // A second commit on top, so reopening "at that version" is real time travel.
    catalog.committer("docs").tag("loaded", 2);

    Catalog reopened = Catalog.open(s3.warehouseUri("warehouse"), s3.hadoopProperties());
    assertThat(reopened.list()).containsExactly("docs");
    Manifest m = reopened.version("docs", committed.version());
    assertThat(m.snapshotId()).isEqualTo(committed.snapshotId());
    assertThat(m.totalRows()).isEqualTo(ROWS);
    assertThat(m.schema()).isEqualTo(schema);
    List<Row> back = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator()) {
      for (SegmentEntry s : m.segments()) {
        try (SegmentData d = SegmentReader.read(reopened.conf(), SegmentFiles.segmentDir(
            reopened.collectionDir("docs"), s.id()), m.schema(), allocator, null)) {
          for (int i = 0; i < d.rowCount(); i++) {
            back.add(d.row(i));
          }
        }
      }
    }
    assertThat(back).hasSize(ROWS);
    for (int i = 0; i < ROWS; i++) {
      assertThat(back.get(i)).as("row %s", i).isEqualTo(rows.get(i));
    }
    assertThat(reopened.tag("docs", "loaded").version()).isEqualTo(2);
    assertThat(reopened.maintenance("docs").removeOrphanFiles(Long.MAX_VALUE)).isEmpty();
  }
}
