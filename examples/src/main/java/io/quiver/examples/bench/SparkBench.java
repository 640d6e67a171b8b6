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

  /** Runs {@code r} and returns its wall time in seconds. */
  static double time(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }
}
