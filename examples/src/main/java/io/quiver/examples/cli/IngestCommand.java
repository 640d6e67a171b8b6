package io.quiver.examples.cli;

import io.quiver.flink.IngestionJob;
import io.quiver.flink.IngestionOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quiver ingest}: the Flink ingestion job on a local MiniCluster in this JVM, until Ctrl-C. On a cluster, run
 * the shaded job jar with {@code flink run} instead (README).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Run the Flink ingestion job (Kafka WAL -> sealed segments) on a local MiniCluster until Ctrl-C.")
final class IngestCommand implements Callable<Integer> {
  @Mixin WarehouseOptions warehouse;

  @Option(names = "--collection", required = true, description = "Collection to ingest.")
  String collection;

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers of the WAL.")
  String bootstrap;

  @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--checkpoint-interval", defaultValue = "PT10S", description = "ISO-8601 (default ${DEFAULT-VALUE}).")
  Duration checkpoint;

  @Option(names = "--seal-rows", defaultValue = "100000", description = "Seal a shard's rows at this count (default ${DEFAULT-VALUE}).")
  long sealRows;

  @Option(names = "--seal-age", defaultValue = "PT60S", description = "Seal rows this old (default ${DEFAULT-VALUE}).")
  Duration sealAge;

  @Option(names = "--seal-index", defaultValue = "none",
      description = "none (Spark reindexes later) or spec (build the collection's index at every seal); default ${DEFAULT-VALUE}.")
  String sealIndex;

  @Option(names = "--kafka", paramLabel = "KEY=VALUE", description = "A Kafka client setting (repeatable).")
  Map<String, String> kafka = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    IngestionOptions opts = IngestionOptions.builder(collection, warehouse.warehouse, bootstrap)
        .hadoopProperties(warehouse.hadoop).kafkaProperties(kafka).sealRows(sealRows).sealAge(sealAge)
        .indexer(switch (sealIndex) {
          case "none" -> io.quiver.flink.ingest.SegmentIndexer.NONE;
          case "spec" -> io.quiver.flink.ingest.SegmentIndexer.COLLECTION_SPEC;
          default -> throw new IllegalArgumentException("Invalid --seal-index '" + sealIndex + "': expected none or spec");
        }).build();
    JobClient job = IngestionJob.start(opts, parallelism, checkpoint, new org.apache.flink.configuration.Configuration());
    System.out.println("quiver: ingesting " + collection + " (job " + job.getJobID() + "); Ctrl-C to stop");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        job.cancel().get();
      } catch (Exception ignored) {
        // the JVM is exiting
      }
      stop.countDown();
    }, "quiver-ingest-stop"));
    stop.await();
    return 0;
  }
}
