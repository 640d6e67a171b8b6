package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.wal.ReadToken;
import io.quiver.wal.WalWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kafka WAL → Flink MiniCluster → S3 (S3Proxy via S3A): 200,000 mixed operations end up exactly as expected. */
@QuiverServers(kafka = true, s3 = true)
class IngestionIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

  @Test
  void ingestsInsertsUpsertsAndDeletesExactly(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
    String collection = "mixed";
    IngestionOptions options = FlinkTestSupport.newCollection(collection, 4, 25_000, kafka, s3);
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Workload work = new Workload(42);
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), collection, Workload.SCHEMA, 4).build()) {
      work.write(w, 50_000); // some history before the job starts
      JobClient job = FlinkTestSupport.submit(options, 2, new Configuration());
      try {
        work.write(w, 150_000); // the rest while it runs
        Manifest m = Workload.awaitCaughtUp(catalog, collection, kafka.bootstrapServers(), Duration.ofMinutes(4));
        work.assertIngested(catalog, m);
        assertGroupShowsCommittedOffsets(kafka.bootstrapServers(), "quiver-ingest-" + collection, catalog, collection);
        assertThat(m.segments()).as("sealed segments").isNotEmpty();
        assertThat(m.deleteFiles()).as("delete files").isNotEmpty();
      } finally {
        FlinkTestSupport.cancel(job);
      }
    }
  }

  /**
   * A WAL written in Kafka transactions: committed transactions are ingested, an aborted one (over the same keys:
   * inserts, upserts, deletes) is not, and the commit markers between them leave the committed offsets sound.
   */
  @Test
  void ingestsCommittedTransactionsOnly(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
    String collection = "transactions";
    IngestionOptions options = FlinkTestSupport.newCollection(collection, 2, 4_000, kafka, s3);
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Workload work = new Workload(7);
    Workload aborted = new Workload(8); // the same key space: ingesting any of it would change the rows
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), collection, Workload.SCHEMA, 2)
        .transactionalId("ingestion-it").build()) {
      w.beginTransaction();
      work.write(w, 10_000);
      w.commitTransaction();
      JobClient job = FlinkTestSupport.submit(options, 2, new Configuration());
      try {
        w.beginTransaction();
        aborted.write(w, 10_000);
        w.abortTransaction();
        w.beginTransaction();
        work.write(w, 10_000);
        ReadToken token = w.commitTransaction();
        // the WAL's end offsets lie past the last commit marker: await the last records themselves
        work.assertIngested(catalog, Workload.awaitCovers(catalog, collection, token.offsets(), Duration.ofMinutes(2)));
      } finally {
        FlinkTestSupport.cancel(job);
      }
    }
  }

  /**
   * The job's consumer group shows, per WAL partition, the offset after the last one a committed manifest covers, so
   * {@code kafka-consumer-groups.sh --describe} shows the job's lag. Awaited: the committer publishes right after it
   * commits, and the manifest the test read may be newer than the last publication by a moment.
   */
  private static void assertGroupShowsCommittedOffsets(String bootstrap, String group, Catalog catalog,
      String collection) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Awaitility.await("consumer group " + group + " at the manifest's committed offsets")
          .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<Integer, Long> expected = new HashMap<>();
            catalog.current(collection).committedOffsets().forEach((shard, last) -> expected.put(shard, last + 1));
            Map<Integer, Long> shown = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .forEach((tp, o) -> shown.put(tp.partition(), o.offset()));
            assertThat(shown).as("offsets of consumer group %s", group).isEqualTo(expected);
          });
    }
  }
}
