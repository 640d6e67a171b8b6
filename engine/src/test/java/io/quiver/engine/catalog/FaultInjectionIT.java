package io.quiver.engine.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.testing.FaultInjectingFileSystem;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seals segments (data, stats, a delete file) and commits them on a file system that fails the Nth create, the Nth
 * write or the Nth rename, for every N the seal reaches: no failure may leave a visible partial segment or a
 * manifest that does not read back.
 */
class FaultInjectionIT {
  @TempDir Path tmp;
  private final CollectionSchema schema = TestData.docs(16);

  @AfterEach
  void reset() {
    FaultInjectingFileSystem.reset();
  }

  private Catalog catalog() {
    Configuration conf = new Configuration();
    conf.setClass("quiver.local.fs.impl", FaultInjectingFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    return Catalog.open(tmp.toUri().toString(), conf);
  }

  /** What an ingestion task does at a seal: write the segment and a delete file, then commit both. */
  private void seal(Catalog catalog, long first) {
    int rows = 300;
    List<Row> data = TestData.docs(schema, first, rows, first);
    String id = SegmentFiles.walSegmentId("docs", 0, first, first + rows - 1);
    SegmentStats stats;
    try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), schema, id,
        "_default", 0)) {
      long off = first;
      for (Row r : data) {
        w.write(r, 0, off++);
      }
      stats = w.finish();
    }
    String deletePath = SegmentFiles.walDeleteFile(0, first, first + rows - 1);
    long bytes = DeleteFiles.write(catalog.conf(), new org.apache.hadoop.fs.Path(catalog.collectionDir("docs"),
        deletePath), DataType.INT64, List.of(new DeleteFiles.Delete(first - 1, first + 5)));
    catalog.committer("docs").commit(CommitMessage.builder("stream")
        .addSegment(io.quiver.engine.catalog.SegmentEntry.written(stats, Map.of()))
        .addDeleteFile(new DeleteFileEntry(deletePath, 0, 0, 1, first + 5, first + 5, bytes))
        .covers(0, first, first + rows - 1)
        .build());
  }

  private void sweep(String kind, IntConsumer arm, int minInjected, int minFailed) {
    Catalog catalog = catalog();
    catalog.create("docs", schema, 1, Map.of(), Map.of());
    seal(catalog, 0);
    int failures = 0;
    int injectedBefore = FaultInjectingFileSystem.injected();
    long next = 300;
    for (int n = 1; n <= 40; n++) {
      Manifest before = catalog.current("docs");
      arm.accept(n);
      boolean failed = false;
      try {
        seal(catalog, next);
      } catch (RuntimeException e) {
        failed = true;
        failures++;
      }
      boolean reached = FaultInjectingFileSystem.renames() >= n || FaultInjectingFileSystem.creates() >= n;
      FaultInjectingFileSystem.reset();
      Manifest after = catalog.current("docs"); // reads and verifies the manifest: never corrupt
      if (after.version() == before.version()) {
        assertThat(after.segments()).as("%s #%s: nothing new is visible", kind, n)
            .extracting(SegmentEntry::id).containsExactlyElementsOf(ids(before));
        // a replay of the same seal (same ids, same offsets) now succeeds
        seal(catalog, next);
      } else {
        assertThat(after.version()).isEqualTo(before.version() + 1);
      }
      assertThat(catalog.current("docs").committedOffset(0)).isEqualTo(next + 299);
      next += 300;
      assertEverySegmentReads(catalog);
      if (!failed && !reached) {
        break; // the seal did fewer operations than n: every point has been tried
      }
    }
    int injected = FaultInjectingFileSystem.injected() - injectedBefore;
    assertThat(injected).as("%s failures injected", kind).isGreaterThanOrEqualTo(minInjected);
    assertThat(failures).as("%s failures that reached the caller", kind).isGreaterThanOrEqualTo(minFailed);
  }

  private static List<String> ids(Manifest m) {
    return m.segments().stream().map(SegmentEntry::id).toList();
  }

  private void assertEverySegmentReads(Catalog catalog) {
    Manifest m = catalog.current("docs");
    try (RootAllocator allocator = new RootAllocator()) {
      for (SegmentEntry s : m.segments()) {
        try (SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(catalog.collectionDir("docs"),
            s.id()), schema, allocator, null)) {
          assertThat(d.rowCount()).isEqualTo(300);
        }
      }
      for (DeleteFileEntry d : m.deleteFiles()) {
        assertThat(DeleteFiles.read(catalog.conf(), new org.apache.hadoop.fs.Path(catalog.collectionDir("docs"),
            d.path()), DataType.INT64)).hasSize(1);
      }
    }
  }

  @Test
  void failingTheNthCreateLeavesNoVisibleSegment() {
    // 5 creates per seal: data, stats, delete file (the seal fails), the staged manifest (the committer retries and
    // succeeds) and the advisory version hint (ignored).
    sweep("create", FaultInjectingFileSystem::failCreate, 5, 3);
  }

  @Test
  void failingTheNthWriteMidFileLeavesNoVisibleSegment() {
    sweep("write", FaultInjectingFileSystem::failWrite, 5, 3);
  }

  @Test
  void failingTheNthRenameLeavesNoCorruptManifest() {
    // The only rename of a local seal is the advisory version hint: its failure must not fail the commit.
    sweep("rename", FaultInjectingFileSystem::failRename, 1, 0);
  }
}
