package io.quiver.flink;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Catalog;
import io.quiver.wal.WalTopics;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster every Flink IT uses (1 TaskManager x 4 slots on 127.0.0.1) and job helpers. */
final class FlinkTestSupport {
  private static final java.nio.file.Path CHECKPOINTS;

  static {
    try {
      CHECKPOINTS = java.nio.file.Files.createTempDirectory("quiver-it-checkpoints");
      // shared by every IT class of the JVM: gone when the test JVM exits
      Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.deleteQuietly(CHECKPOINTS),
          "quiver-it-checkpoints-cleanup"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private FlinkTestSupport() {}

  static MiniClusterExtension miniCluster() {
    Configuration conf = IngestionJob.onLoopback(new Configuration());
    conf.setString("taskmanager.memory.managed.size", "256m");
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).setConfiguration(conf).build());
  }

  /**
   * Creates {@code collection} with {@link Workload#SCHEMA} and {@code shards} shards in the S3 warehouse, and its WAL
   * topics; returns the job's options: seals at {@code sealRows} records or after a second.
   */
  static IngestionOptions newCollection(String collection, int shards, long sealRows, EmbeddedKafka kafka,
      EmbeddedS3 s3) {
    IngestionOptions options = options(collection, s3, kafka.bootstrapServers()).sealRows(sealRows)
        .sealAge(Duration.ofSeconds(1)).build();
    Catalog.open(options.warehouse(), options.hadoopProperties()).create(collection, Workload.SCHEMA, shards,
        Map.of(), Map.of());
    WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), collection, shards);
    return options;
  }

  static IngestionOptions.Builder options(String collection, EmbeddedS3 s3, String bootstrap) {
    return IngestionOptions.builder(collection, s3.warehouseUri("wh"), bootstrap)
        .hadoopProperties(s3.hadoopProperties());
  }

  /** Submits the ingestion job to the MiniCluster: checkpoints every second, fixed-delay restarts. */
  static JobClient submit(IngestionOptions options, int parallelism, Configuration extra) throws Exception {
    Configuration conf = new Configuration(extra);
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, CHECKPOINTS.toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return IngestionJob.submit(env, options, Duration.ofSeconds(1));
  }

  static void cancel(JobClient job) throws Exception {
    job.cancel().get(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}
