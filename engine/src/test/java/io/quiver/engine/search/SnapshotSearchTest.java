package io.quiver.engine.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.filter.FilterException;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three WAL commits with upserts and deletes (delete files), searched exactly (no index files: exact scans), so every
 * answer must equal brute force over the expected live rows.
 */
class SnapshotSearchTest {
  static final int DIM = 8;
  static final CollectionSchema SCHEMA = TestData.docs(DIM);
  @TempDir static Path tmp;
  static ExecutorService pool;
  static RootAllocator allocator;
  static Snapshot snapshot;
  /** pk → latest row of the expected live set. */
  static final Map<Long, Row> expected = new TreeMap<>();

  @BeforeAll
  static void load() {
    pool = Executors.newFixedThreadPool(2);
    allocator = new RootAllocator();
    Catalog catalog = Catalog.open(tmp.toUri().toString(), new Configuration());
    catalog.create("docs", SCHEMA, 1, Map.of(), Map.of());
    Random rnd = new Random(3);
    long offset = 0;
    for (int commit = 0; commit < 3; commit++) {
      List<Row> rows = new ArrayList<>();
      List<long[]> rowOffsets = new ArrayList<>();
      List<DeleteFiles.Delete> deletes = new ArrayList<>();
      long first = offset;
      for (int i = 0; i < 400; i++) {
        long pk = rnd.nextInt(600);
        if (rnd.nextInt(6) == 0) {
          deletes.add(new DeleteFiles.Delete(pk, offset));
          expected.remove(pk);
        } else {
          Row r = Row.of(SCHEMA, TestData.docMap(pk, DIM, rnd));
          rows.add(r);
          rowOffsets.add(new long[] {offset});
          expected.put(pk, r);
        }
        offset++;
      }
      long last = offset - 1;
      String id = SegmentFiles.walSegmentId("docs", 0, first, last);
      CommitMessage.Builder msg = CommitMessage.builder("stream").covers(0, first, last);
      try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), SCHEMA, id,
          "_default", 0)) {
        for (int i = 0; i < rows.size(); i++) {
          w.write(rows.get(i), 0, rowOffsets.get(i)[0]);
        }
        msg.addSegment(SegmentEntry.written(w.finish(), Map.of()));
      }
      String dp = SegmentFiles.walDeleteFile(0, first, last);
      long bytes = DeleteFiles.write(catalog.conf(), new org.apache.hadoop.fs.Path(catalog.collectionDir("docs"), dp),
          SCHEMA.primaryKey().type(), deletes);
      msg.addDeleteFile(new DeleteFileEntry(dp, 0, 0, deletes.size(), first, last, bytes));
      catalog.committer("docs").commit(msg.build());
    }
    snapshot = SnapshotLoader.load(catalog, catalog.current("docs"), allocator, null, pool);
  }

  @AfterAll
  static void close() {
    snapshot.close();
    allocator.close();
    pool.shutdown();
  }

  private static List<Long> bruteForce(float[] q, int k, Predicate<Row> filter) {
    List<long[]> scored = new ArrayList<>();
    Map<Long, Float> dist = new HashMap<>();
    for (Map.Entry<Long, Row> e : expected.entrySet()) {
      if (filter.test(e.getValue())) {
        dist.put(e.getKey(), MetricType.L2.distance(q, (float[]) e.getValue().get(1)));
      }
    }
    List<Long> pks = new ArrayList<>(dist.keySet());
    pks.sort(Comparator.<Long, Float>comparing(dist::get).thenComparing(pk -> pk));
    return pks.subList(0, Math.min(k, pks.size()));
  }

  private static float[] query(int seed) {
    Random r = new Random(seed);
    float[] q = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      q[i] = r.nextFloat();
    }
    return q;
  }

  @Test
  void liveRowsFollowUpsertsAndDeletes() {
    assertThat(snapshot.liveRows()).isEqualTo(expected.size());
    assertThat(snapshot.count(null)).isEqualTo(expected.size());
    List<Map<String, Object>> all = snapshot.query(null, List.of("*"), 16_384, 0);
    assertThat(all).extracting(m -> m.get("id")).containsExactlyElementsOf(expected.keySet());
    for (Map<String, Object> m : all) {
      Row want = expected.get((Long) m.get("id"));
      assertThat((float[]) m.get("emb")).containsExactly((float[]) want.get(1));
      assertThat(m.get("title")).isEqualTo(want.get(2));
    }
  }

  @Test
  void searchEqualsBruteForceOverTheLiveSet() {
    for (int seed = 0; seed < 20; seed++) {
      float[] q = query(seed);
      List<Hit> hits = snapshot.search(SearchRequest.builder("emb", q).k(10).outputFields(List.of("year")).build());
      assertThat(hits).extracting(Hit::pk).containsExactlyElementsOf(bruteForce(q, 10, r -> true));
      for (Hit h : hits) {
        assertThat(h.fields().get("year")).isEqualTo(expected.get((Long) h.pk()).get(3));
        assertThat(h.distance()).isEqualTo(MetricType.L2.distance(q, (float[]) expected.get((Long) h.pk()).get(1)));
      }
    }
  }

  @Test
  void filteredSearchOffsetAndCount() {
    SegmentFilter f = Predicates.parse("year >= {y} and ok == true and id % 3 != 0", SCHEMA, Map.of("y", 2005));
    Predicate<Row> p = r -> (Integer) r.get(3) >= 2005 && (Boolean) r.get(6) && (Long) r.get(0) % 3 != 0;
    float[] q = query(99);
    List<Long> want = bruteForce(q, 15, p);
    List<Hit> page2 = snapshot.search(SearchRequest.builder("emb", q).k(5).offset(10).filter(f).build());
    assertThat(page2).extracting(Hit::pk).containsExactlyElementsOf(want.subList(10, 15));
    assertThat(snapshot.count(f)).isEqualTo(expected.values().stream().filter(p).count());
    assertThat(snapshot.query(f, List.of(), 3, 2)).extracting(m -> m.get("id"))
        .containsExactlyElementsOf(expected.values().stream().filter(p).map(r -> r.get(0)).skip(2).limit(3).toList());
  }

  @Test
  void dynamicFieldFiltersAndOutputs() {
    SegmentFilter f = Predicates.parse("color == \"red\"", SCHEMA, Map.of());
    List<Map<String, Object>> rows = snapshot.query(f, List.of("color"), 100, 0);
    assertThat(rows).isNotEmpty().allSatisfy(m -> assertThat(m.get("color")).isEqualTo("red"));
    assertThat(rows).hasSize((int) expected.values().stream()
        .filter(r -> r.meta() != null && r.meta().contains("red")).count());
  }

  @Test
  void getByPrimaryKeyReturnsOnlyVisibleRows() {
    List<Long> ask = new ArrayList<>();
    for (long pk = 0; pk < 600; pk += 7) {
      ask.add(pk);
    }
    List<Map<String, Object>> got = snapshot.get(ask, List.of("title"));
    assertThat(got).extracting(m -> m.get("id")).containsExactlyElementsOf(ask.stream()
        .filter(expected::containsKey).toList());
  }

  @Test
  void rangeSearchKeepsOnlyHitsInRange() {
    float[] q = query(5);
    List<Long> all = bruteForce(q, expected.size(), r -> true);
    float lo = MetricType.L2.distance(q, (float[]) expected.get(all.get(3)).get(1));
    float hi = MetricType.L2.distance(q, (float[]) expected.get(all.get(40)).get(1));
    List<Hit> hits = snapshot.search(SearchRequest.builder("emb", q).k(20).range(hi, lo).build());
    assertThat(hits).extracting(Hit::pk).containsExactlyElementsOf(all.subList(3, 23));
  }

  @Test
  void groupByKeepsTheBestHitsPerGroup() {
    float[] q = query(8);
    List<Hit> hits = snapshot.search(SearchRequest.builder("emb", q).k(4).groupBy("year", 2)
        .outputFields(List.of("year")).build());
    Map<Object, Integer> perGroup = new HashMap<>();
    hits.forEach(h -> perGroup.merge(h.fields().get("year"), 1, Integer::sum));
    assertThat(perGroup).hasSize(4);
    assertThat(perGroup.values()).allMatch(n -> n <= 2);
    Object bestGroup = expected.get(bruteForce(q, 1, r -> true).get(0)).get(3);
    assertThat(hits.get(0).fields().get("year")).isEqualTo(bestGroup);
  }

  @Test
  void hybridSearchFusesByRank() {
    float[] a = query(1);
    float[] b = query(2);
    List<Hit> fused = snapshot.hybridSearch(List.of(SearchRequest.builder("emb", a).k(20).build(),
        SearchRequest.builder("emb", b).k(20).build()), Ranker.rrf(60), 10, 0, List.of());
    Map<Long, Float> want = new HashMap<>();
    List<Long> la = bruteForce(a, 20, r -> true);
    List<Long> lb = bruteForce(b, 20, r -> true);
    for (int i = 0; i < 20; i++) {
      want.merge(la.get(i), 1f / (61 + i), Float::sum);
      want.merge(lb.get(i), 1f / (61 + i), Float::sum);
    }
    List<Long> order = new ArrayList<>(want.keySet());
    order.sort(Comparator.<Long, Float>comparing(want::get).reversed().thenComparing(pk -> pk));
    assertThat(fused).extracting(Hit::pk).containsExactlyElementsOf(order.subList(0, 10));
  }

  @Test
  void badRequestsAreRefusedClearly() {
    assertThatThrownBy(() -> snapshot.search(SearchRequest.builder("emb", new float[3]).build()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("dimension 3").hasMessageContaining("FLOAT_VECTOR(8)");
    float[] nan = query(1);
    nan[2] = Float.NaN;
    assertThatThrownBy(() -> snapshot.search(SearchRequest.builder("emb", nan).build()))
        .hasMessageContaining("element 2 is NaN");
    assertThatThrownBy(() -> snapshot.search(SearchRequest.builder("emb", query(1)).k(0).build()))
        .hasMessageContaining("'topk'").hasMessageContaining("between 1 and 16384");
    assertThatThrownBy(() -> snapshot.search(SearchRequest.builder("emb", query(1)).k(20_000).build()))
        .hasMessageContaining("between 1 and 16384");
    assertThatThrownBy(() -> snapshot.search(SearchRequest.builder("title", query(1)).build()))
        .hasMessageContaining("not a vector field");
    assertThatThrownBy(() -> snapshot.search(SearchRequest.builder("emb", query(1)).metric(MetricType.IP).build()))
        .hasMessageContaining("indexed with L2");
    assertThatThrownBy(() -> Predicates.parse("year > > 3", SCHEMA, Map.of())).isInstanceOf(FilterException.class)
        .hasMessageContaining("position");
    assertThatThrownBy(() -> Predicates.parse("title > 3", SCHEMA, Map.of())).isInstanceOf(FilterException.class)
        .hasMessageContaining("title");
  }
}
