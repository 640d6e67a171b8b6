package io.quiver.examples.bench;

import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.segment.SegmentFiles;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench spark-read}: {@code spark.read.format("quiver")} against {@code spark.read.parquet} of the very
 * same segment files, in the same run and Spark session (local[2]): a full scan and a filtered scan (one year in 30),
 * each reading the same four columns and materializing every value of them, vector elements included, into one
 * {@code sum(hash(id, emb, title, year))} — the two sums must be equal, or the run fails. One warm-up each, then
 * {@code --repeat} runs in alternating order; the median is reported (and the best). Ratios are throughput ratios
 * (Quiver rows/s ÷ Parquet rows/s; the target is ≥ 0.8).
 */
@Command(name = "spark-read", mixinStandardHelpOptions = true,
    description = "Spark reads: format(\"quiver\") vs spark.read.parquet of the same segment files.")
public final class SparkReadBench implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "1000000", description = "Rows (default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--repeat", defaultValue = "5",
      description = "Runs per measurement, median reported (default ${DEFAULT-VALUE}).")
  int repeat;

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || dim < 1 || repeat < 1) {
      throw new IllegalArgumentException("--rows, --dim and --repeat must be positive");
    }
    Path dir = TempDirs.create("quiver-bench-spark-read");
    try {
      return run(dir.toUri().toString());
    } finally {
      TempDirs.deleteQuietly(dir);
    }
  }

  private int run(String warehouse) throws Exception {
    Catalog catalog = Catalog.open(warehouse, new Configuration());
    CollectionSchema schema = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("emb", dim, MetricType.L2).varchar("title", 64, true)
        .add(io.quiver.engine.schema.FieldSchema.builder("year", DataType.INT32).build()).build();
    catalog.create("bench", schema, 1, Map.of(), Map.of());
    SparkSession spark = SparkBench.session("quiver-bench-spark-read");
    int d = dim;
    spark.udf().register("bench_vector", (UDF1<Long, float[]>) id -> {
      Random r = new Random(id);
      float[] v = new float[d];
      for (int i = 0; i < d; i++) {
        v[i] = r.nextFloat();
      }
      return v;
    }, DataTypes.createArrayType(DataTypes.FloatType, false));
    Progress.say("Writing %,d rows x %d-d through format(\"quiver\") ...", rows, dim);
    double writeSeconds = SparkBench.time(() -> spark.range(0, rows, 1, 2)
        .selectExpr("id", "bench_vector(id) AS emb", "concat('doc ', id) AS title", "CAST(1990 + id % 30 AS INT) AS year")
        .write().format("quiver").option("warehouse", warehouse).option("collection", "bench").mode("append").save());
    Manifest m = catalog.current("bench");
    List<String> files = new ArrayList<>();
    for (SegmentEntry s : m.segments()) {
      files.add(SegmentFiles.segmentDir(catalog.collectionDir("bench"), s.id()) + "/" + SegmentFiles.DATA_FILE);
    }
    String[] cols = {"id", "emb", "title", "year"};
    Function<Boolean, Dataset<Row>> quiver = filtered -> filter(spark.read().format("quiver")
        .option("warehouse", warehouse).option("collection", "bench").load().select(cols[0], cols[1], cols[2],
            cols[3]), filtered);
    Function<Boolean, Dataset<Row>> parquet = filtered -> filter(spark.read().parquet(files.toArray(new String[0]))
        .select(cols[0], cols[1], cols[2], cols[3]), filtered);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("dim", dim);
    out.put("segments", m.segments().size());
    out.put("write_seconds", round(writeSeconds));
    for (boolean filtered : new boolean[] {false, true}) {
      double[] q = new double[repeat];
      double[] p = new double[repeat];
      // one warm-up each: the first query of a session pays code generation
      long quiverSum = scan(quiver.apply(filtered));
      long parquetSum = scan(parquet.apply(filtered));
      if (quiverSum != parquetSum) {
        throw new IllegalStateException("format(\"quiver\") and spark.read.parquet disagree on the "
            + (filtered ? "filtered " : "") + "scan: sum(hash) " + quiverSum + " vs " + parquetSum);
      }
      for (int i = 0; i < repeat; i++) {
        if (i % 2 == 0) {
          q[i] = SparkBench.time(() -> scan(quiver.apply(filtered)));
          p[i] = SparkBench.time(() -> scan(parquet.apply(filtered)));
        } else {
          p[i] = SparkBench.time(() -> scan(parquet.apply(filtered)));
          q[i] = SparkBench.time(() -> scan(quiver.apply(filtered)));
        }
      }
      double qm = median(q);
      double pm = median(p);
      String prefix = filtered ? "filtered_" : "";
      Progress.say("%sscan: quiver %.2f s, parquet %.2f s (medians of %d; best %.2f / %.2f)", prefix, qm, pm, repeat,
          Arrays.stream(q).min().orElseThrow(), Arrays.stream(p).min().orElseThrow());
      out.put(prefix + "quiver_seconds", round(qm));
      out.put(prefix + "parquet_seconds", round(pm));
      out.put(prefix + "quiver_best_seconds", round(Arrays.stream(q).min().orElseThrow()));
      out.put(prefix + "parquet_best_seconds", round(Arrays.stream(p).min().orElseThrow()));
      out.put(prefix + "quiver_rows_per_s", Math.round(rows / qm));
      out.put(prefix + "parquet_rows_per_s", Math.round(rows / pm));
      out.put(prefix + "read_ratio", round(pm / qm));
    }
    out.put("load_avg", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    spark.stop();
    SparkBench.deleteWarehouse(warehouse);
    System.out.println(Json.write(out));
    return 0;
  }

  private static Dataset<Row> filter(Dataset<Row> df, boolean filtered) {
    return filtered ? df.filter("year = 2000") : df;
  }

  /** Reads every value of every selected column (vector elements included) into one hash sum. */
  private static long scan(Dataset<Row> df) {
    Row r = df.selectExpr("sum(hash(id, emb, title, year))").first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
