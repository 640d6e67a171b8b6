package io.quiver.examples.bench;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.OrdinalMapper;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.VectorFiles;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.jobs.ReindexJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench reindex}: {@link ReindexJob} on Spark local[2] building a GRAPH index (M 32, beam 100, alpha
 * 1.2, overflow 1.2, hierarchy) for a one-segment collection, against raw jvector building the same graph over the
 * same vectors in this JVM and writing it as an on-disk graph, in the same run. The job's time includes scheduling,
 * reading the segment's vectors from Parquet, the build, writing the index file and the commit. Best of
 * {@code --repeat}, order alternating. Target: reindex_ratio (job ÷ raw) ≤ 1.2.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true,
    description = "ReindexJob on local[2] vs raw jvector building the same graph.")
public final class ReindexBench implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "200000", description = "Vectors (default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--repeat", defaultValue = "1", description = "Runs per measurement, best kept (default ${DEFAULT-VALUE}).")
  int repeat;

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || dim < 1 || repeat < 1) {
      throw new IllegalArgumentException("--rows, --dim and --repeat must be positive");
    }
    Progress.say("Generating %,d x %d-d vectors (gaussian mixture) ...", rows, dim);
    VectorValues vectors = VectorFiles.gaussianMixture(rows, dim, 64, 42);
    Path dir = TempDirs.create("quiver-bench-reindex");
    try {
      return run(vectors, dir.toUri().toString());
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }

  private int run(VectorValues vectors, String warehouse) throws Exception {
    Catalog catalog = Catalog.open(warehouse, new Configuration());
    CollectionSchema schema = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("emb", dim, MetricType.L2).build();
    catalog.create("bench", schema, 1, Map.of(), Map.of());
    SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("bench"), schema,
        SegmentFiles.walSegmentId("bench", 0, 0, rows - 1), "_default", 0);
    for (int i = 0; i < rows; i++) {
      w.write(new Row(new Object[] {(long) i, Arrays.copyOfRange(vectors.data(), i * dim, (i + 1) * dim)}, null),
          0, i);
    }
    catalog.committer("bench").commit(CommitMessage.builder("stream")
        .addSegment(SegmentEntry.written(w.finish(), Map.of())).covers(0, 0, rows - 1).build());
    SparkSession spark = SparkBench.session("quiver-bench-reindex");
    int threads = Runtime.getRuntime().availableProcessors();
    double job = Double.MAX_VALUE;
    double raw = Double.MAX_VALUE;
    for (int i = 0; i < repeat; i++) {
      Runnable runJob = () -> ReindexJob.run(spark, warehouse, new HadoopConf(Map.of()), "bench", "emb",
          new IndexSpec("GRAPH", Map.of()), false);
      Runnable runRaw = () -> rawJvector(vectors, threads);
      if (i % 2 == 0) {
        Progress.say("ReindexJob ...");
        job = Math.min(job, SparkBench.time(runJob));
        Progress.say("raw jvector ...");
        raw = Math.min(raw, SparkBench.time(runRaw));
      } else {
        raw = Math.min(raw, SparkBench.time(runRaw));
        job = Math.min(job, SparkBench.time(runJob));
      }
    }
    spark.stop();
    SparkBench.deleteWarehouse(warehouse);
    Progress.say("ReindexJob %.2f s, raw jvector %.2f s", job, raw);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("dim", dim);
    out.put("build_threads", threads);
    out.put("reindex_job_seconds", SparkReadBench.round(job));
    out.put("raw_jvector_seconds", SparkReadBench.round(raw));
    out.put("reindex_ratio", SparkReadBench.round(job / raw));
    System.out.println(Json.write(out));
    return 0;
  }

  /** jvector alone: the same graph parameters, built on a pool of {@code threads}, written as an on-disk graph. */
  static void rawJvector(VectorValues v, int threads) {
    VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
    int dim = v.dimension();
    List<VectorFloat<?>> rows = new ArrayList<>(v.count());
    for (int i = 0; i < v.count(); i++) {
      rows.add(vts.createFloatVector(Arrays.copyOfRange(v.data(), i * dim, (i + 1) * dim)));
    }
    ListRandomAccessVectorValues ravv = new ListRandomAccessVectorValues(rows, dim);
    BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.EUCLIDEAN);
    ForkJoinPool pool = new ForkJoinPool(threads);
    Path file = null;
    try (GraphIndexBuilder builder = new GraphIndexBuilder(bsp, dim, 32, 100, 1.2f, 1.2f, true, true, pool, pool)) {
      ImmutableGraphIndex graph = builder.build(ravv);
      file = Files.createTempFile("quiver-bench-raw", ".jv");
      try (OnDiskGraphIndexWriter writer = new OnDiskGraphIndexWriter.Builder(graph, file)
          .with(new InlineVectors(dim)).withMapper(new OrdinalMapper.IdentityMapper(rows.size() - 1)).build()) {
        writer.write(Map.of(FeatureId.INLINE_VECTORS, ord -> new InlineVectors.State(rows.get(ord))));
      }
    } catch (Exception e) {
      throw new IllegalStateException("raw jvector build failed", e);
    } finally {
      pool.shutdownNow();
      if (file != null) {
        file.toFile().delete();
      }
    }
  }
}
