package io.quiver.engine.catalog;

import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/** Small builders for catalog tests. */
final class CatalogFixtures {
  private CatalogFixtures() {}

  static Catalog localCatalog(Path dir) {
    return Catalog.open(dir.toUri().toString(), new Configuration());
  }

  static Manifest createDocs(Catalog catalog, String name, int shards) {
    return catalog.create(name, TestData.docs(4), shards, Map.of(), Map.of("owner", "tests"));
  }

  /** A segment entry as a writer would report it (no files behind it). */
  static SegmentEntry segment(String id, int shard, long first, long last) {
    return SegmentEntry.written(new SegmentStats(id, 1, "_default", shard, last - first + 1, first, last, 1234,
        Map.of()), Map.of());
  }

  static CommitMessage stream(int shard, long first, long last) {
    return CommitMessage.builder("stream")
        .addSegment(segment(io.quiver.engine.segment.SegmentFiles.walSegmentId("docs", shard, first, last), shard,
            first, last))
        .covers(shard, first, last)
        .build();
  }
}
