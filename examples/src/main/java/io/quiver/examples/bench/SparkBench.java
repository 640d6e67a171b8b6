package io.quiver.examples.bench;

import org.apache.spark.sql.SparkSession;

/** The local[2] SparkSession of the Spark benchmark runners (UI off, 127.0.0.1 only). */
final class SparkBench {
  private SparkBench() {}

  static SparkSession session(String app) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  /** Deletes a benchmark's temporary warehouse (a file: URI), quietly. */
  static void deleteWarehouse(String uri) {
    try (java.util.stream.Stream<java.nio.file.Path> walk =
        java.nio.file.Files.walk(java.nio.file.Paths.get(java.net.URI.create(uri)))) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | RuntimeException e) {
      Progress.say("Could not delete %s: %s", uri, e);
    }
  }

  /** Runs {@code r} and returns its wall time in seconds. */
  static double time(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }
}
