package io.quiver.flink;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.flink.ingest.DeadLetter;
import io.quiver.flink.ingest.DeadLetterSerializer;
import io.quiver.flink.ingest.ManifestSink;
import io.quiver.flink.ingest.RouteDeadLetters;
import io.quiver.flink.ingest.SealedPiece;
import io.quiver.flink.ingest.WalIngestSource;
import io.quiver.wal.WalTopics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

/**
 * The streaming ingestion job of one collection: Kafka WAL → growing segments in the source readers → sealed
 * segment files → one manifest commit per completed checkpoint (exactly once), poison records to the DLQ topic.
 *
 * <pre>
 * WalIngestSource(quiver.&lt;c&gt;.wal, one split per shard from the manifest's committed offsets + 1;
 *     the reader builds each shard's growing segment as it reads and seals on rows / bytes / age on a
 *     background thread; checkpoints hold one offset per shard)
 *   → RouteDeadLetters → ManifestSink (parallelism 1; Sink V2 committer commits after the checkpoint completes)
 *                      → side output: dead letters → KafkaSink(quiver.&lt;c&gt;.dlq, at least once)
 * </pre>
 *
 * <p>Run it with {@code flink run} ({@link #main}), or on a local MiniCluster with {@link #start}. Checkpointing
 * must be on: nothing is committed without it.
 */
public final class IngestionJob {
  private IngestionJob() {}

  /**
   * Adds the ingestion pipeline to {@code env}. Creates the WAL and DLQ topics when missing. Operator uids are
   * stable, so savepoints survive upgrades of the job.
   */
  public static void build(StreamExecutionEnvironment env, IngestionOptions options) {
    Manifest m = Catalog.open(options.warehouse(), options.hadoopProperties()).current(options.collection());
    Map<String, Object> kafka = new HashMap<>(options.kafkaProperties());
    kafka.put("bootstrap.servers", options.bootstrapServers());
    WalTopics.ensureTopics(kafka, options.collection(), m.shards());

    Configuration noKryo = new Configuration();
    noKryo.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(noKryo);

    SingleOutputStreamOperator<SealedPiece> pieces = env
        .fromSource(new WalIngestSource(options), WatermarkStrategy.noWatermarks(),
            "quiver-wal-" + options.collection())
        .uid("quiver-wal-ingest")
        .process(new RouteDeadLetters(), TypeInformation.of(SealedPiece.class))
        .uid("quiver-route-dead-letters")
        .name("route-dead-letters");
    pieces.sinkTo(new ManifestSink(options))
        .setParallelism(1)
        .uid("quiver-manifest-sink")
        .name("manifest-commit");
    KafkaSink<DeadLetter> dlq = KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(options.bootstrapServers())
        .setKafkaProducerConfig(asProperties(options.kafkaProperties()))
        .setRecordSerializer(new DeadLetterSerializer(WalTopics.dlqTopic(options.collection())))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
    pieces.getSideOutput(RouteDeadLetters.DEAD_LETTERS).sinkTo(dlq).uid("quiver-dlq-sink").name("dead-letters");
  }

  /**
   * Starts the job on a local MiniCluster in this JVM (quickstart, benchmarks) and returns at once.
   *
   * @param flinkConf extra Flink configuration (restart strategy, state backend, savepoint to restore ...); without
   *     {@code execution.checkpointing.dir}, checkpoints go to a new temporary directory
   */
  public static JobClient start(IngestionOptions options, int parallelism, Duration checkpointInterval,
      Configuration flinkConf) throws Exception {
    Configuration conf = onLoopback(new Configuration(flinkConf));
    java.nio.file.Path temporary = null;
    if (!conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
      // Checkpoints are small (offsets and pending committables), but restarts need a directory; a temporary one
      // lives as long as the job (or this JVM, whichever ends first)
      temporary = Files.createTempDirectory("quiver-checkpoints");
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, temporary.toUri().toString());
    }
    JobClient job = submit(StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf), options,
        checkpointInterval);
    if (temporary != null) {
      java.io.File dir = temporary.toFile();
      Thread atExit = new Thread(() -> FileUtils.deleteDirectoryQuietly(dir), "quiver-checkpoints-cleanup");
      Runtime.getRuntime().addShutdownHook(atExit);
      job.getJobExecutionResult().whenComplete((result, failure) -> {
        FileUtils.deleteDirectoryQuietly(dir);
        try {
          Runtime.getRuntime().removeShutdownHook(atExit);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs, or has run, anyway
        }
      });
    }
    return job;
  }

  /**
   * Submits the job to {@code env}'s cluster with exactly-once checkpoints every {@code checkpointInterval} and returns
   * at once ({@link #start}'s local MiniCluster, or a cluster the caller runs).
   */
  public static JobClient submit(StreamExecutionEnvironment env, IngestionOptions options,
      Duration checkpointInterval) throws Exception {
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    build(env, options);
    return env.executeAsync("quiver-ingest-" + options.collection());
  }

  /**
   * Puts a local cluster's endpoints (REST, RPC, task manager) on 127.0.0.1, as {@link #start}'s MiniCluster has them;
   * returns {@code conf}.
   */
  public static Configuration onLoopback(Configuration conf) {
    conf.setString("rest.bind-address", "127.0.0.1");
    conf.setString("rest.address", "127.0.0.1");
    conf.setString("taskmanager.host", "127.0.0.1");
    conf.setString("jobmanager.rpc.address", "127.0.0.1");
    return conf;
  }

  /**
   * {@code flink run quiver-flink-connector-*-job.jar --warehouse s3a://b/w --bootstrap-servers host:9092
   * --collection docs [--checkpoint-interval 10s] [--seal-rows N] [--seal-bytes N] [--seal-age 30s]
   * [--hadoop.fs.s3a.endpoint=... ] [--kafka.security.protocol=...]}.
   */
  public static void main(String[] args) throws Exception {
    JobArgs a = JobArgs.parse(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(a.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    build(env, a.options());
    env.execute("quiver-ingest-" + a.options().collection());
  }

  private static java.util.Properties asProperties(Map<String, String> map) {
    java.util.Properties p = new java.util.Properties();
    p.putAll(map);
    return p;
  }
}
