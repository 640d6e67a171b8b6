package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.index.VectorFiles;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.search.Hit;
import io.quiver.engine.search.IndexCache;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.Snapshot;
import io.quiver.engine.search.SnapshotLoader;
import io.quiver.spark.jobs.ReindexJob;
import io.quiver.spark.jobs.VectorSearchJob;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sift5k (the repo's gzipped copy): bulk import through Spark, ReindexJob builds GRAPH indexes per segment, then the
 * kNN join reaches recall@10 ≥ 0.95 against the ground truth and returns, for every query, exactly what the engine's
 * own {@link Snapshot#search} returns over the same version and index files.
 */
class SiftKnnIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static Catalog catalog;
  static VectorValues base;
  static VectorValues queries;
  static int[][] truth;
  static final String C = "sift";

  static Path datasets() {
    String p = System.getProperty("quiver.datasets");
    if (p != null && Files.isDirectory(Paths.get(p, "sift5k"))) {
      return Paths.get(p, "sift5k");
    }
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("datasets/sift5k"))) {
        return d.resolve("datasets/sift5k");
      }
    }
    throw new IllegalStateException("No datasets/sift5k found; pass -Dquiver.datasets");
  }

  /** A plain copy of {@code name} (gunzipped when only the .gz is there). */
  static Path file(String name) throws Exception {
    Path d = datasets();
    if (Files.exists(d.resolve(name))) {
      return d.resolve(name);
    }
    Path out = dir.resolve(name);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(d.resolve(name + ".gz")))) {
      Files.copy(in, out);
    }
    return out;
  }

  @BeforeAll
  static void importAndReindex() throws Exception {
    spark = SparkTestSession.get();
    base = VectorFiles.readFvecs(file("base.fvecs"));
    queries = VectorFiles.readFvecs(file("query.fvecs"));
    truth = VectorFiles.readIvecs(file("groundtruth.ivecs"));
    catalog = Warehouses.catalog(dir.toUri().toString(), new HadoopConf(Map.of()));
    catalog.create(C, CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("vector", base.dimension(), MetricType.L2).build(), 2, Map.of(), Map.of());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < base.count(); i++) {
      rows.add(RowFactory.create((long) i, vector(base, i)));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    spark.createDataFrame(rows, schema).write().format("quiver").option("warehouse", dir.toUri().toString())
        .option("collection", C).mode("append").save();
    ReindexJob.Result r = ReindexJob.run(spark, dir.toUri().toString(), new HadoopConf(Map.of()), C, "vector",
        new IndexSpec("GRAPH", Map.of()), true);
    assertThat(r.segments()).isEqualTo(catalog.current(C).segments().size());
  }

  static List<Float> vector(VectorValues v, int i) {
    List<Float> out = new ArrayList<>(v.dimension());
    for (int j = 0; j < v.dimension(); j++) {
      out.add(v.data()[i * v.dimension() + j]);
    }
    return out;
  }

  static Dataset<Row> queryFrame() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < queries.count(); i++) {
      rows.add(RowFactory.create(i, vector(queries, i)));
    }
    return spark.createDataFrame(rows, new StructType().add("qid", DataTypes.IntegerType, false)
        .add("vec", DataTypes.createArrayType(DataTypes.FloatType, false), false));
  }

  @Test
  void everySegmentHasAGraphIndex_andReindexOnlyMissingIsANoOp() {
    Manifest m = catalog.current(C);
    assertThat(m.indexSpecs().get("vector").kind()).isEqualTo("GRAPH");
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.indexes().get("vector").spec().kind())
        .isEqualTo("GRAPH"));
    ReindexJob.Result again = ReindexJob.run(spark, dir.toUri().toString(), new HadoopConf(Map.of()), C, "vector",
        null, true);
    assertThat(again.segments()).isZero();
  }

  @Test
  void knnSearchProcedureAnswersLikeTheJavaApi() {
    spark.conf().set("spark.sql.catalog.qknn", QuiverCatalog.class.getName());
    spark.conf().set("spark.sql.catalog.qknn.warehouse", dir.toUri().toString());
    queryFrame().createOrReplaceTempView("sift_queries");
    List<Row> sql = spark.sql("CALL qknn.system.knn_search(table => 'sift', queries => 'sift_queries', "
        + "id_column => 'qid', vector_column => 'vec', k => 10, filter => 'id < 2500')").collectAsList();
    List<Row> api = VectorSearchJob.knnJoin(spark, dir.toUri().toString(), new HadoopConf(Map.of()), C,
        queryFrame(), new VectorSearchJob.Params().idColumn("qid").vectorColumn("vec").k(10).filter("id < 2500"))
        .collectAsList();
    assertThat(sql).hasSize(10 * queries.count());
    assertThat(sql).allSatisfy(r -> assertThat(r.getLong(1)).isLessThan(2500));
    assertThat(sorted(sql)).isEqualTo(sorted(api));
  }

  static List<String> sorted(List<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get(0) + "/" + r.get(3) + "/" + r.get(1)));
    java.util.Collections.sort(out);
    return out;
  }

  @Test
  void knnJoinRecallAndEqualityWithTheEnginesSearch() throws Exception {
    Dataset<Row> result = VectorSearchJob.knnJoin(spark, dir.toUri().toString(), new HadoopConf(Map.of()), C,
        queryFrame(), new VectorSearchJob.Params().idColumn("qid").vectorColumn("vec").k(10).queryBatch(16));
    assertThat(result.columns()).containsExactly("query_id", "pk", "distance", "rank");
    Map<Integer, TreeMap<Integer, Long>> byQuery = new HashMap<>();
    for (Row r : result.collectAsList()) {
      byQuery.computeIfAbsent(r.getInt(0), k -> new TreeMap<>()).put(r.getInt(3), r.getLong(1));
    }
    assertThat(byQuery).hasSize(queries.count());
    int hits = 0;
    for (int q = 0; q < queries.count(); q++) {
      Set<Long> want = new HashSet<>();
      for (int j = 0; j < 10; j++) {
        want.add((long) truth[q][j]);
      }
      for (long pk : byQuery.get(q).values()) {
        if (want.contains(pk)) {
          hits++;
        }
      }
    }
    double recall = hits / (10.0 * queries.count());
    System.out.println("sift5k kNN join recall@10 = " + recall);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (RootAllocator allocator = new RootAllocator();
        Snapshot snap = SnapshotLoader.load(catalog, catalog.current(C), allocator,
            new IndexCache(Files.createTempDirectory(dir, "cache")), pool)) {
      for (int q = 0; q < queries.count(); q++) {
        float[] v = new float[queries.dimension()];
        System.arraycopy(queries.data(), q * v.length, v, 0, v.length);
        List<Long> engine = new ArrayList<>();
        for (Hit h : snap.search(SearchRequest.builder("vector", v).k(10).build())) {
          engine.add((Long) h.pk());
        }
        assertThat(new ArrayList<>(byQuery.get(q).values())).as("query %s", q).isEqualTo(engine);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
