package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.wal.WalTopics;
import io.quiver.wal.WalWriter;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
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
    IngestionOptions options = FlinkTestSupport.options(collection, s3, kafka.bootstrapServers())
        .sealRows(25_000).sealAge(Duration.ofSeconds(1)).build();
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    catalog.create(collection, Workload.SCHEMA, 4, Map.of(), Map.of());
    WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), collection, 4);
    Workload work = new Workload(42);
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), collection, Workload.SCHEMA, 4).build()) {
      work.write(w, 50_000); // some history before the job starts
      JobClient job = FlinkTestSupport.submit(options, 2, new Configuration());
      try {
        work.write(w, 150_000); // the rest while it runs
        Manifest m = Workload.awaitCaughtUp(catalog, collection, kafka.bootstrapServers(), Duration.ofMinutes(4));
        work.assertIngested(catalog, m);
        assertThat(m.segments()).as("sealed segments").isNotEmpty();
        assertThat(m.deleteFiles()).as("delete files").isNotEmpty();
      } finally {
        FlinkTestSupport.cancel(job);
      }
    }
  }
}
