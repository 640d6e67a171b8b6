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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GRAPH_PQ segments loaded for search keep their vector column out of memory where the index file holds the exact
 * rows (L2, IP): searches, filtered scans, output fields and gets read the vectors from the memory-mapped index and
 * answer exactly as the rows do. COSINE graphs hold unit-length vectors, so that column stays in memory.
 */
class DiskResidentVectorsTest {
  private static final int ROWS = 1_000;
  @TempDir static Path tmp;
  static VectorValues base;
  static List<float[]> queries;
  static ExecutorService pool;
  static RootAllocator allocator;

  @BeforeAll
  static void setUp() throws Exception {
    Path data = VectorFiles.datasets().resolve("sift5k");
    VectorValues all = VectorFiles.readFvecs(data.resolve("base.fvecs"));
    float[] first = new float[ROWS * all.dimension()];
    System.arraycopy(all.data(), 0, first, 0, first.length);
    base = VectorValues.of(first, all.dimension());
    VectorValues q = VectorFiles.readFvecs(data.resolve("query.fvecs"));
    queries = IntStream.range(0, 20).mapToObj(q::vector).toList();
    pool = Executors.newFixedThreadPool(2);
    allocator = new RootAllocator();
  }

  @AfterAll
  static void tearDown() {
    allocator.close();
    pool.shutdown();
  }

  private static CollectionSchema schema(MetricType metric) {
    return CollectionSchema.builder().int64PrimaryKey("id", false).vector("emb", 128, metric)
        .scalar("bucket", DataType.INT32).build();
  }

  /** One sealed segment of the first {@link #ROWS} sift5k rows with a committed GRAPH_PQ index. */
  private static Manifest build(Catalog catalog, String name, CollectionSchema schema) throws Exception {
    IndexSpec spec = new IndexSpec("GRAPH_PQ", Map.of("max_degree", "16", "beam_width", "64"));
    catalog.create(name, schema, 1, Map.of("emb", spec), Map.of());
    String id = SegmentFiles.batchSegmentId("import", name);
    CommitMessage.Builder append = CommitMessage.builder("append");
    try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir(name), schema, id,
        "_default", -1)) {
      for (int i = 0; i < ROWS; i++) {
        w.write(Row.of(schema, Map.of("id", (long) i, "emb", base.vector(i), "bucket", i % 10)), 0, i);
      }
      append.addSegment(SegmentEntry.written(w.finish(), Map.of()));
    }
    catalog.committer(name).commit(append.build());
    try (SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(catalog.collectionDir(name), id),
        schema, allocator, null)) {
      IndexFile f = SegmentIndexer.build(catalog.conf(), catalog.collectionDir(name), d, schema.field("emb"), spec,
          (phase, done, total) -> { });
      return catalog.committer(name).commit(CommitMessage.builder("reindex").setIndex(id, "emb", f).build());
    }
  }

  private static List<Long> exact(MetricType metric, float[] q, int k, int bucket) {
    return IntStream.range(0, ROWS).filter(i -> bucket < 0 || i % 10 == bucket).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -metric.score(metric.distance(q, base.vector(i))))
            .thenComparing(i -> i))
        .limit(k).map(Integer::longValue).toList();
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void vectorsComeFromTheIndexFileWhereItHoldsTheRows(MetricType metric) throws Exception {
    Catalog catalog = Catalog.open(tmp.resolve("wh-" + metric).toUri().toString(), new Configuration());
    CollectionSchema schema = schema(metric);
    Manifest m = build(catalog, "c" + metric.name().toLowerCase(), schema);
    try (Snapshot snap = SnapshotLoader.load(catalog, m, allocator, new IndexCache(tmp.resolve("ix-" + metric)),
        pool)) {
      LoadedSegment seg = snap.segments().get(0);
      assertThat(seg.data().hasVectors("emb")).as("vector column in memory for %s", metric)
          .isEqualTo(metric == MetricType.COSINE);
      int found = 0;
      for (float[] q : queries) {
        List<Hit> hits = snap.search(SearchRequest.builder("emb", q).k(10).outputFields(List.of("emb"))
            .options(SearchOptions.width(128)).build());
        assertThat(hits).hasSize(10);
        for (Hit h : hits) {
          int row = (int) (long) (Long) h.pk();
          assertThat((float[]) h.fields().get("emb")).as("output vector of row %s", row).containsExactly(
              base.vector(row));
          assertThat(h.distance()).as("exact distance of row %s", row)
              .isCloseTo(metric.distance(q, base.vector(row)), org.assertj.core.data.Offset.offset(1e-2f));
        }
        List<Long> want = exact(metric, q, 10, -1);
        found += (int) hits.stream().filter(h -> want.contains((Long) h.pk())).count();
        // a 1-in-10 filter: the exact scan over the accepted rows, reading the vectors the same way
        List<Hit> filtered = snap.search(SearchRequest.builder("emb", q).k(5)
            .filter(Predicates.parse("bucket == 3", schema, Map.of())).options(SearchOptions.width(64)).build());
        assertThat(filtered.stream().map(h -> (Long) h.pk()).toList()).as("filtered top-5 for %s", metric)
            .containsExactlyElementsOf(exact(metric, q, 5, 3));
      }
      assertThat(found / (10.0 * queries.size())).as("recall@10 for %s", metric).isGreaterThanOrEqualTo(0.9);
      List<Map<String, Object>> got = snap.get(List.of(7L, 999L), List.of("emb"));
      assertThat((float[]) got.get(0).get("emb")).containsExactly(base.vector(7));
      assertThat((float[]) got.get(1).get("emb")).containsExactly(base.vector(999));
    }
  }
}
