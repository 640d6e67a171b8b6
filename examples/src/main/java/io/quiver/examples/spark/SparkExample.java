package io.quiver.examples.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark job a Quiver user writes: bulk-load Parquet files into a collection, build its ANN index, then a batch
 * kNN join, checked against an exact Spark cross join. It uses only Spark's public API and Quiver's SQL surface
 * ({@code format("quiver")}, the {@code QuiverCatalog} procedures), so it runs with nothing but the shaded jar:
 *
 * <pre>
 * spark-submit --jars quiver-spark-datasource-&lt;version&gt;-shaded.jar \
 *   --class io.quiver.examples.spark.SparkExample quiver-examples-&lt;version&gt;.jar \
 *   &lt;warehouse&gt; [rows=5000] [dim=16] [parquet input dir: written with random vectors when absent]
 * </pre>
 *
 * <p>The warehouse is any Hadoop path ({@code s3a://bucket/quiver}, {@code hdfs://...}, a local folder); S3A keys go
 * in as {@code --conf spark.hadoop.fs.s3a.*} as for any Spark job. Prints one summary line starting with
 * {@code SparkExample OK} and exits 1 if the kNN join's recall against the exact answer is below 0.9.
 */
public final class SparkExample {
  private static final String COLLECTION = "products";
  private static final int K = 10;

  private SparkExample() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("Usage: SparkExample <warehouse> [rows=5000] [dim=16] [parquet input dir]");
      System.exit(2);
    }
    String warehouse = args[0];
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int dim = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    SparkSession spark = SparkSession.builder().appName("quiver-spark-example").getOrCreate();
    String sample = null;
    double recall;
    try {
      if (args.length <= 3) {
        sample = writeSampleParquet(spark, rows, dim);
      }
      recall = run(spark, warehouse, args.length > 3 ? args[3] : sample, dim);
    } finally {
      spark.stop();
      if (sample != null) {
        // the sample's temporary directory; Hadoop's FileUtil, as this class runs under spark-submit without Quiver's
        // embedded module (TempDirs)
        FileUtil.fullyDelete(new java.io.File(sample).getParentFile());
      }
    }
    if (recall < 0.9) {
      System.err.println("SparkExample FAILED: kNN recall@" + K + " " + recall + " < 0.9");
      System.exit(1);
    }
  }

  /** Loads {@code input} into the collection, reindexes it and runs the kNN join; returns its recall@10. */
  static double run(SparkSession spark, String warehouse, String input, int dim) {
    // 1. Bulk load: Parquet (id BIGINT, emb ARRAY<FLOAT>, category STRING) → one atomic commit. The collection is
    //    created from the options on the first write.
    Dataset<Row> parquet = spark.read().parquet(input);
    parquet.write().format("quiver").option("warehouse", warehouse).option("collection", COLLECTION)
        .option("primary_key", "id").option("emb.dim", Integer.toString(dim)).option("emb.metric", "L2")
        .option("shards", "2").mode("append").save();

    // 2. Read it back: a snapshot read with filter pushdown (segment stats skip, the filter bitmap drops rows).
    Dataset<Row> products = spark.read().format("quiver").option("warehouse", warehouse)
        .option("collection", COLLECTION).load();
    long loaded = products.count();
    long inCategory = products.filter("category = 'c3'").count();

    // 3. The SQL catalog: reindex every segment with a jvector graph (one task per segment, one commit).
    spark.conf().set("spark.sql.catalog.q", "io.quiver.spark.QuiverCatalog");
    spark.conf().set("spark.sql.catalog.q.warehouse", warehouse);
    List<Row> reindexed = spark.sql("CALL q.system.reindex(table => '" + COLLECTION + "', field => 'emb', "
        + "index_type => 'GRAPH', params => 'max_degree=16,beam_width=64')").collectAsList();

    // 4. Batch kNN join: the top-10 products of 100 query vectors (perturbed copies of stored vectors).
    spark.read().parquet(input).limit(100)
        .selectExpr("id AS qid", "transform(emb, x -> x + 0.01F) AS vector").createOrReplaceTempView("queries");
    Dataset<Row> knn = spark.sql("CALL q.system.knn_search(table => '" + COLLECTION
        + "', queries => 'queries', id_column => 'qid', vector_column => 'vector', k => " + K + ")");
    knn.createOrReplaceTempView("knn");

    // The exact answer with plain Spark (a cross join, fine for 100 queries) to measure the index's recall.
    products.createOrReplaceTempView("products_now");
    spark.sql("SELECT q.qid, p.id, aggregate(zip_with(q.vector, p.emb, (a, b) -> (a - b) * (a - b)), 0D, "
        + "(acc, x) -> acc + x) AS d FROM queries q CROSS JOIN products_now p").createOrReplaceTempView("dists");
    spark.sql("SELECT qid, id FROM (SELECT qid, id, row_number() OVER (PARTITION BY qid ORDER BY d, id) AS r "
        + "FROM dists) WHERE r <= " + K).createOrReplaceTempView("exact");
    long hits = spark.sql("SELECT count(*) FROM knn JOIN exact ON knn.query_id = exact.qid AND knn.pk = exact.id")
        .first().getLong(0);
    long queries = spark.table("queries").count();
    double recall = hits / (double) (queries * K);

    Row r = reindexed.get(0); // (version, segments, index_bytes)
    System.out.printf("SparkExample OK: loaded %d rows (%d in category c3), reindexed %s segments into version %s "
        + "(%s index bytes), kNN join of %d queries: %d hits, recall@%d %.3f against the exact cross join%n", loaded,
        inCategory, r.get(1), r.get(0), r.get(2), queries, knn.count(), K, recall);
    return recall;
  }

  /** Writes {@code rows} random products as Parquet (stands in for the files a user already has). */
  static String writeSampleParquet(SparkSession spark, int rows, int dim) throws Exception {
    Path dir = Files.createTempDirectory("quiver-example-parquet");
    Random random = new Random(42);
    List<Row> data = new ArrayList<>(rows);
    for (long id = 0; id < rows; id++) {
      Float[] v = new Float[dim];
      for (int i = 0; i < dim; i++) {
        v[i] = random.nextFloat();
      }
      data.add(RowFactory.create(id, v, "c" + (id % 10)));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("emb", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("category", DataTypes.StringType, false);
    String out = dir.resolve("products.parquet").toString();
    spark.createDataFrame(data, schema).repartition(2).write().parquet(out);
    return out;
  }
}
