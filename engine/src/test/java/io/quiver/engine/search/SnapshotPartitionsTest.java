package io.quiver.engine.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot of some partitions only (Milvus's LoadPartitions): the other partitions' segments hold no memory, and a
 * row of a loaded partition that a later write of its key to an unloaded partition superseded stays hidden.
 */
class SnapshotPartitionsTest {
  static final int DIM = 8;
  static final CollectionSchema SCHEMA = TestData.docs(DIM);
  @TempDir Path tmp;

  @Test
  void unloadedPartitionsHoldNoMemoryAndStillHideWhatTheySupersede() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (RootAllocator allocator = new RootAllocator()) {
      Catalog catalog = Catalog.open(tmp.toUri().toString(), new Configuration());
      catalog.create("docs", SCHEMA, 1, Map.of(), Map.of());
      Random rnd = new Random(9);
      // by partition, the latest row of each key, in write (offset) order
      Map<String, Map<Long, Row>> live = Map.of("p1", new TreeMap<>(), "p2", new TreeMap<>());
      long offset = 0;
      // p1: keys 0..99; p2: keys 50..149 (50..99 move from p1); p1 again: keys 140..159 (140..149 move back)
      offset = seal(catalog, "p1", LongStream.range(0, 100), offset, rnd, live);
      offset = seal(catalog, "p2", LongStream.range(50, 150), offset, rnd, live);
      seal(catalog, "p1", LongStream.range(140, 160), offset, rnd, live);

      long whole;
      try (Snapshot all = SnapshotLoader.load(catalog, catalog.current("docs"), allocator, null, pool)) {
        assertThat(all.count(null)).isEqualTo(160);
        whole = allocator.getAllocatedMemory();
      }
      try (Snapshot p2 = SnapshotLoader.load(catalog, catalog.current("docs"), allocator, null, pool,
          Set.of("p2"))) {
        assertThat(p2.count(null)).as("keys 50..139: 140..149 were written to p1 later").isEqualTo(90);
        assertThat(allocator.getAllocatedMemory()).as("one of three segments' memory, about")
            .isLessThan(whole / 2);
        float[] q = (float[]) live.get("p2").get(100L).get(SCHEMA.position("emb"));
        List<Long> want = live.get("p2").keySet().stream().sorted(Comparator.<Long, Float>comparing(pk ->
            MetricType.L2.distance(q, (float[]) live.get("p2").get(pk).get(SCHEMA.position("emb"))))
            .thenComparing(pk -> pk)).toList();
        assertThat(p2.search(SearchRequest.builder("emb", q).k(1000).build()).stream().map(h -> (Long) h.pk())
            .toList()).as("exactly p2's live rows, nearest first").isEqualTo(want);
        assertThat(p2.get(List.of(10L, 60L, 145L), List.of()).stream().map(m -> m.get("id")).toList())
            .as("get finds only p2's live keys").containsExactly(60L);
      }
      assertThat(allocator.getAllocatedMemory()).as("everything freed").isZero();
    } finally {
      pool.shutdown();
    }
  }

  /** Seals {@code keys} into {@code partition} at offsets from {@code offset}; returns the next offset. */
  private static long seal(Catalog catalog, String partition, LongStream keys, long offset, Random rnd,
      Map<String, Map<Long, Row>> live) {
    long[] pks = keys.toArray();
    long first = offset;
    long last = offset + pks.length - 1;
    String id = SegmentFiles.walSegmentId("docs", 0, first, last) + "-" + partition;
    try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), SCHEMA, id,
        partition, 0)) {
      for (long pk : pks) {
        Row r = Row.of(SCHEMA, TestData.docMap(pk, DIM, rnd));
        w.write(r, 0, offset++);
        live.values().forEach(m -> m.remove(pk));
        live.get(partition).put(pk, r);
      }
      catalog.committer("docs").commit(CommitMessage.builder("stream").addPartition(partition)
          .covers(0, first, last).addSegment(SegmentEntry.written(w.finish(), Map.of())).build());
    }
    return offset;
  }
}
