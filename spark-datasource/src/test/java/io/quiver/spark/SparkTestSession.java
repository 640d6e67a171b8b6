package io.quiver.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test fork (local[2], UI off, 127.0.0.1), shared by every test class and never stopped
 * before the JVM ends: starting Spark costs seconds, a second session in one JVM costs more.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("quiver-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
    }
    return session;
  }
}
