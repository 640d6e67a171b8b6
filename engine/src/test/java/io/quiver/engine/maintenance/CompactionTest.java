package io.quiver.engine.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planner and rewriter on a real local collection: visible rows survive in their original order with their effective
 * sequence numbers, hidden rows are dropped, and a delete file is retired only when no segment outside the
 * compaction can hold one of its keys.
 */
class CompactionTest {
  static final CollectionSchema SCHEMA = TestData.docs(4);
  @TempDir Path tmp;

  Catalog catalog;
  long offset;

  SegmentEntry segment(String id, long firstId, int n, long seed) {
    SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("c"), SCHEMA, id, "_default", 0);
    for (Row r : TestData.docs(SCHEMA, firstId, n, seed)) {
      w.write(r, 0, offset++);
    }
    return SegmentEntry.written(w.finish(), Map.of());
  }

  DeleteFileEntry deletes(long... ids) {
    List<DeleteFiles.Delete> list = new ArrayList<>();
    long first = offset;
    for (long id : ids) {
      list.add(new DeleteFiles.Delete(id, offset++));
    }
    String rel = SegmentFiles.walDeleteFile(0, first, offset - 1);
    long bytes = DeleteFiles.write(catalog.conf(), new org.apache.hadoop.fs.Path(catalog.collectionDir("c"), rel),
        SCHEMA.primaryKey().type(), list);
    return new DeleteFileEntry(rel, 0, 0, list.size(), first, offset - 1, bytes);
  }

  @Test
  void rewritesVisibleRowsInOrderAndRetiresDeletesOnlyWhenSafe() {
    catalog = Catalog.open(tmp.toUri().toString(), new Configuration());
    catalog.create("c", SCHEMA, 1, Map.of(), Map.of());
    // seq 1: ids 0..9; seq 2: ids 5..14 (upserts of 5..9) and a delete of 2; seq 3: a bigger segment 100..129
    // and a delete of 100.
    catalog.committer("c").commit(CommitMessage.builder("stream").addSegment(segment("s1", 0, 10, 1)).build());
    catalog.committer("c").commit(CommitMessage.builder("stream").addSegment(segment("s2", 5, 10, 2))
        .addDeleteFile(deletes(2)).build());
    catalog.committer("c").commit(CommitMessage.builder("stream").addSegment(segment("s3", 100, 30, 3))
        .addDeleteFile(deletes(100)).build());
    Manifest m = catalog.current("c");
    SnapshotVisibility vis = SnapshotVisibility.compute(catalog, m);
    assertThat(vis.hiddenRows()).isEqualTo(5 + 1 + 1);
    long s3Bytes = m.segment("s3").stats().dataBytes();
    // Only s1 and s2 are "small": s3 stays, so the delete of id 100 (inside s3's key range) must stay.
    CompactionPlanner planner = new CompactionPlanner(1L << 30, s3Bytes - 1, 0.99);
    CompactionPlan plan = planner.plan(catalog, m, vis);
    assertThat(plan.groups()).hasSize(1);
    assertThat(plan.groups().get(0).inputs()).extracting(SegmentEntry::id).containsExactly("s1", "s2");
    assertThat(plan.retiredDeleteFiles()).containsExactly(m.deleteFiles().get(0).path());

    Map<String, org.roaringbitmap.RoaringBitmap> hidden = new TreeMap<>();
    plan.groups().get(0).inputs().forEach(s -> hidden.put(s.id(), vis.hidden(s.id())));
    try (RootAllocator allocator = new RootAllocator()) {
      SegmentEntry out = CompactionRewriter.rewrite(catalog.conf(), catalog.collectionDir("c"), SCHEMA,
          plan.groups().get(0), hidden, m.indexSpecs(), allocator);
      assertThat(out.rowCount()).isEqualTo(5 + 10 - 1);
      try (SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(catalog.collectionDir("c"),
          out.id()), SCHEMA, allocator, null)) {
        long prevSeq = 0;
        long prevOff = -1;
        for (int i = 0; i < d.rowCount(); i++) {
          long seq = d.sequenceNumbers()[i];
          long off = d.offsets()[i];
          assertThat(seq).as("explicit effective seq").isPositive();
          assertThat(seq > prevSeq || (seq == prevSeq && off > prevOff)).as("row %s in order", i).isTrue();
          prevSeq = seq;
          prevOff = off;
          long id = (Long) d.pk(i);
          assertThat(id).isNotEqualTo(2L);
          assertThat(seq).isEqualTo(id >= 5 ? 2 : 1);
        }
      }
      Manifest after = catalog.committer("c").commit(plan.commitMessage(List.of(out)));
      assertThat(after.deleteFiles()).hasSize(1);
      SnapshotVisibility v2 = SnapshotVisibility.compute(catalog, after);
      assertThat(v2.hiddenRows()).as("only id 100 in s3, still deleted").isEqualTo(1);
    }
  }
}
