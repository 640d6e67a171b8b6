package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.flink.IngestionOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupOffsetsTest {
  @TempDir Path tmp;

  @Test
  void groupIsTheJobsGroupIdOrNamedAfterTheCollection() {
    IngestionOptions.Builder b = IngestionOptions.builder("docs", tmp.toUri().toString(), "127.0.0.1:9");
    assertThat(GroupOffsets.groupOf(b.build())).isEqualTo("quiver-ingest-docs");
    assertThat(GroupOffsets.groupOf(b.kafkaProperties(Map.of("group.id", "ingest-team")).build()))
        .isEqualTo("ingest-team");
  }

  /** Publishing is for monitoring: a broker that does not answer costs a bounded wait and a log line, no failure. */
  @Test
  void anUnreachableBrokerIsLoggedNotThrown() {
    Catalog catalog = Catalog.open(tmp.toUri().toString(), Map.of());
    catalog.create("docs", CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 4, MetricType.L2)
        .build(), 2, Map.of(), Map.of());
    Manifest m = catalog.committer("docs").commit(CommitMessage.builder("stream").covers(0, 0, 99)
        .commitId("stream-0:0..99").build());
    assertThat(m.committedOffset(0)).isEqualTo(99);
    // port 9 on loopback: nothing listens there; short client timeouts keep the test quick
    IngestionOptions options = IngestionOptions.builder("docs", tmp.toUri().toString(), "127.0.0.1:9")
        .kafkaProperties(Map.of("default.api.timeout.ms", "1000", "request.timeout.ms", "500")).build();
    try (GroupOffsets offsets = new GroupOffsets(options)) {
      long t0 = System.nanoTime();
      assertThatCode(() -> offsets.publish(m)).doesNotThrowAnyException();
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds the publication waited").isLessThan(10);
    }
  }
}
