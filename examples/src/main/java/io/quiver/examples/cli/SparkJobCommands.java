package io.quiver.examples.cli;

import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.maintenance.CompactionPlanner;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.jobs.CompactionJob;
import io.quiver.spark.jobs.ReindexJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quiver compact} and {@code quiver reindex}: the Spark maintenance jobs on a local Spark
 * ({@code --master local[*]} by default). On a cluster, submit the same classes with {@code spark-submit} (README).
 */
final class SparkJobCommands {
  private SparkJobCommands() {}

  static SparkSession session(String master, String app) {
    return SparkSession.builder().master(master).appName(app).config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1").getOrCreate();
  }

  @Command(name = "compact", mixinStandardHelpOptions = true,
      description = "Compact a collection with Spark: bin-pack small segments, drop hidden rows, retire delete files.")
  static final class Compact implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String collection;

    @Option(names = "--target-mb", defaultValue = "128", description = "Target segment size in MB (default ${DEFAULT-VALUE}).")
    long targetMb;

    @Option(names = "--master", defaultValue = "local[*]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;

    @Override
    public Integer call() {
      SparkSession spark = session(master, "quiver-compaction");
      try {
        long target = targetMb << 20;
        System.out.println(CompactionJob.run(spark, warehouse.warehouse, new HadoopConf(warehouse.hadoop), collection,
            new CompactionPlanner(target, target * 3 / 4, 0.2)));
        return 0;
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "reindex", mixinStandardHelpOptions = true,
      description = "Build or rebuild a vector field's index for every segment with Spark, then swap them in.")
  static final class Reindex implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String collection;

    @Option(names = "--field", required = true, description = "The vector field.")
    String field;

    @Option(names = "--index", description = "New index kind (FLAT, GRAPH, GRAPH_PQ); default: the collection's.")
    String kind;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Index parameter, e.g. max_degree=32 (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--all", description = "Rebuild every segment, not only those lacking the current spec.")
    boolean all;

    @Option(names = "--master", defaultValue = "local[*]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;

    @Override
    public Integer call() {
      SparkSession spark = session(master, "quiver-reindex");
      try {
        IndexSpec spec = kind == null ? null : new IndexSpec(kind.toUpperCase(java.util.Locale.ROOT), params);
        System.out.println(ReindexJob.run(spark, warehouse.warehouse, new HadoopConf(warehouse.hadoop), collection,
            field, spec, !all));
        return 0;
      } finally {
        spark.stop();
      }
    }
  }
}
