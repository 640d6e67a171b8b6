package io.quiver.engine.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.read.RowOrder;
import io.quiver.engine.read.Visibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.MemorySegments;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WAL tail rows on top of a sealed snapshot: tail upserts and deletes hide sealed rows of the same key, a later tail
 * row hides an earlier one, and every answer equals brute force over the expected live rows.
 */
class SnapshotTailTest {
  static final int DIM = 8;
  static final CollectionSchema SCHEMA = TestData.docs(DIM);
  @TempDir Path tmp;

  @Test
  void tailRowsAndDeletesFollowTheRowOrderRule() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (RootAllocator allocator = new RootAllocator()) {
      Catalog catalog = Catalog.open(tmp.toUri().toString(), new Configuration());
      catalog.create("docs", SCHEMA, 1, Map.of(), Map.of());
      Random rnd = new Random(5);
      Map<Long, Row> expected = new TreeMap<>();
      String id = SegmentFiles.walSegmentId("docs", 0, 0, 299);
      try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), SCHEMA, id,
          "_default", 0)) {
        for (long pk = 0; pk < 300; pk++) {
          Row r = Row.of(SCHEMA, TestData.docMap(pk, DIM, rnd));
          w.write(r, 0, pk);
          expected.put(pk, r);
        }
        catalog.committer("docs").commit(CommitMessage.builder("stream").covers(0, 0, 299)
            .addSegment(SegmentEntry.written(w.finish(), Map.of())).build());
      }
      // Tail: offsets 300.. : upserts of old keys, new keys, deletes, and a key upserted twice.
      List<Row> chunk1 = new ArrayList<>();
      List<Row> chunk2 = new ArrayList<>();
      Visibility.Deletes deletes = new Visibility.Deletes();
      long offset = 300;
      List<Long> off1 = new ArrayList<>();
      List<Long> off2 = new ArrayList<>();
      for (long pk = 250; pk < 350; pk++) {
        Row r = Row.of(SCHEMA, TestData.docMap(pk, DIM, rnd));
        chunk1.add(r);
        off1.add(offset++);
        expected.put(pk, r);
      }
      for (long pk = 0; pk < 20; pk++) {
        deletes.add(pk, RowOrder.TAIL, offset++);
        expected.remove(pk);
      }
      for (long pk = 340; pk < 360; pk++) {
        Row r = Row.of(SCHEMA, TestData.docMap(pk, DIM, rnd));
        chunk2.add(r);
        off2.add(offset++);
        expected.put(pk, r);
      }
      deletes.add(345L, RowOrder.TAIL, offset++);
      expected.remove(345L);

      try (Snapshot base = SnapshotLoader.load(catalog, catalog.current("docs"), allocator, null, pool);
          LoadedSegment t1 = tail(chunk1, off1, "t1", allocator);
          LoadedSegment t2 = tail(chunk2, off2, "t2", allocator)) {
        long baseCount = base.count(null);
        Snapshot fresh = base.withTail(List.of(t1, t2), deletes);
        assertThat(fresh.count(null)).as("live rows with the tail").isEqualTo(expected.size());
        assertThat(base.count(null)).as("the base snapshot is untouched").isEqualTo(baseCount);
        for (int q = 0; q < 5; q++) {
          float[] query = TestData.docMap(1000 + q, DIM, new Random(q)).get("emb") instanceof float[] v ? v : null;
          List<Hit> hits = fresh.search(SearchRequest.builder("emb", query).k(10).build());
          List<Long> want = new ArrayList<>(expected.keySet());
          want.sort(Comparator.<Long, Float>comparing(pk -> MetricType.L2.distance(query,
              (float[]) expected.get(pk).get(1))).thenComparing(pk -> pk));
          assertThat(hits.stream().map(h -> (Long) h.pk()).toList()).as("top 10 of query %s", q)
              .isEqualTo(want.subList(0, 10));
        }
        float[] q0 = (float[]) expected.get(300L).get(1);
        List<Hit> filtered = fresh.search(SearchRequest.builder("emb", q0).k(1000)
            .filter(Predicates.parse("year >= 2010 and id > 240", SCHEMA, Map.of())).build());
        assertThat(filtered.stream().map(h -> (Long) h.pk()).sorted().toList()).as("filtered search over both")
            .isEqualTo(expected.entrySet().stream().filter(e -> e.getKey() > 240
                && (Integer) e.getValue().get(SCHEMA.position("year")) >= 2010).map(Map.Entry::getKey).toList());
        assertThat(fresh.get(List.of(5L, 260L, 345L, 355L), List.of("emb"))).extracting(m -> m.get("id"))
            .as("get sees tail versions, skips deleted keys").containsExactly(260L, 355L);
        assertThat(fresh.get(List.of(260L), List.of("emb")).get(0).get("emb"))
            .isEqualTo(expected.get(260L).get(1));
      }
    } finally {
      pool.shutdown();
    }
  }

  private static LoadedSegment tail(List<Row> rows, List<Long> offsets, String id, RootAllocator allocator) {
    long[] off = offsets.stream().mapToLong(Long::longValue).toArray();
    SegmentData data = MemorySegments.of(SCHEMA, id, "_default", 0, rows, new long[rows.size()], off, allocator);
    return new LoadedSegment(new SegmentEntry(RowOrder.TAIL, data.stats(), Map.of()), data, Map.of());
  }
}
