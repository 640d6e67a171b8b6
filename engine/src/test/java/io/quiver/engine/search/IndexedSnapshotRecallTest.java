package io.quiver.engine.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.index.VectorFiles;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sift5k through the whole engine path: two sealed segments, GRAPH indexes built by {@link SegmentIndexer} beside
 * them and committed, loaded through {@link IndexCache}, searched through {@link Snapshot} with and without filters.
 */
class IndexedSnapshotRecallTest {
  @TempDir static Path tmp;
  static VectorValues base;
  static VectorValues queries;
  static int[][] truth;
  static ExecutorService pool;
  static RootAllocator allocator;
  static Snapshot snapshot;
  static final CollectionSchema SCHEMA = CollectionSchema.builder()
      .int64PrimaryKey("id", false)
      .vector("emb", 128, MetricType.L2)
      .scalar("bucket", DataType.INT32)
      .build();

  @BeforeAll
  static void build() throws Exception {
    Path data = VectorFiles.datasets().resolve("sift5k");
    base = VectorFiles.readFvecs(data.resolve("base.fvecs"));
    queries = VectorFiles.readFvecs(data.resolve("query.fvecs"));
    truth = VectorFiles.readIvecs(data.resolve("groundtruth.ivecs"));
    pool = Executors.newFixedThreadPool(2);
    allocator = new RootAllocator();
    Catalog catalog = Catalog.open(tmp.resolve("wh").toUri().toString(), new Configuration());
    IndexSpec graph = new IndexSpec("GRAPH", Map.of("max_degree", "32", "beam_width", "100"));
    catalog.create("sift", SCHEMA, 2, Map.of("emb", graph), Map.of());
    CommitMessage.Builder append = CommitMessage.builder("append");
    List<String> ids = new ArrayList<>();
    for (int part = 0; part < 2; part++) {
      String id = SegmentFiles.batchSegmentId("import", "sift/" + part);
      ids.add(id);
      try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("sift"), SCHEMA, id,
          "_default", -1)) {
        for (int i = part * 2500; i < (part + 1) * 2500; i++) {
          w.write(Row.of(SCHEMA, Map.of("id", (long) i, "emb", base.vector(i), "bucket", i % 1000)), 0, i);
        }
        append.addSegment(SegmentEntry.written(w.finish(), Map.of()));
      }
    }
    catalog.committer("sift").commit(append.build());
    CommitMessage.Builder reindex = CommitMessage.builder("reindex");
    for (String id : ids) {
      try (SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(catalog.collectionDir("sift"),
          id), SCHEMA, allocator, null)) {
        IndexFile f = SegmentIndexer.build(catalog.conf(), catalog.collectionDir("sift"), d, SCHEMA.field("emb"),
            graph, (phase, done, total) -> { });
        reindex.setIndex(id, "emb", f);
      }
    }
    Manifest m = catalog.committer("sift").commit(reindex.build());
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.indexes()).containsKey("emb"));
    snapshot = SnapshotLoader.load(catalog, m, allocator, new IndexCache(tmp.resolve("cache")), pool);
    assertThat(snapshot.segments()).allSatisfy(s -> assertThat(s.index("emb")).isNotNull());
  }

  @AfterAll
  static void close() {
    snapshot.close();
    allocator.close();
    pool.shutdown();
  }

  private static double recall(List<Hit> hits, List<Integer> want) {
    Set<Long> w = new HashSet<>();
    want.forEach(i -> w.add((long) i));
    return hits.stream().filter(h -> w.contains((Long) h.pk())).count() / (double) want.size();
  }

  @Test
  void recallAtTenAgainstTheGroundTruth() {
    double sum = 0;
    for (int q = 0; q < queries.count(); q++) {
      List<Hit> hits = snapshot.search(SearchRequest.builder("emb", queries.vector(q)).k(10)
          .options(SearchOptions.width(64)).build());
      List<Integer> want = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        want.add(truth[q][i]);
      }
      sum += recall(hits, want);
    }
    assertThat(sum / queries.count()).as("recall@10 on sift5k through segments + GRAPH").isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void filteredRecallAtEverySelectivity() {
    // bucket = id % 1000: 50%, 10%, 1%, 0.1% of the rows
    Object[][] cases = {{"bucket < 500", (IntPredicate) i -> i % 1000 < 500},
        {"bucket < 100", (IntPredicate) i -> i % 1000 < 100},
        {"bucket >= 990", (IntPredicate) i -> i % 1000 >= 990},
        {"bucket == 7", (IntPredicate) i -> i % 1000 == 7}};
    for (Object[] c : cases) {
      SegmentFilter f = Predicates.parse((String) c[0], SCHEMA, Map.of());
      IntPredicate p = (IntPredicate) c[1];
      double sum = 0;
      for (int q = 0; q < queries.count(); q++) {
        float[] query = queries.vector(q);
        List<Integer> exact = IntStream.range(0, base.count()).filter(p).boxed()
            .sorted(Comparator.<Integer>comparingDouble(i -> MetricType.L2.distance(query, base.vector(i)))
                .thenComparing(i -> i))
            .limit(10).toList();
        List<Hit> hits = snapshot.search(SearchRequest.builder("emb", query).k(10).filter(f)
            .options(SearchOptions.width(64)).build());
        assertThat(hits).allSatisfy(h -> assertThat(p.test((int) (long) (Long) h.pk())).isTrue());
        sum += recall(hits, exact);
      }
      assertThat(sum / queries.count()).as("filtered recall@10 for %s", c[0]).isGreaterThanOrEqualTo(0.95);
    }
  }
}
