package io.quiver.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code quiver bench ingest} end to end on a small backlog (its Kafka broker and raw reader in JVMs of their own, the
 * job on a Flink MiniCluster): one warm-up round, two measured transactions, the live rows; it ends with one JSON line
 * whose figures are there and whose read-back finds nothing lost or duplicated. Not a timed test: no rate is checked.
 */
class IngestBenchIT {
  @Test
  void smallRunEndsWithOneJsonLineAndLosesNothing() throws Exception {
    BenchRun run = BenchRun.of("bench", "ingest", "--rows", "20000", "--dim", "8", "--shards", "2", "--seal-rows",
        "4000", "--seal-age", "1000", "--warmup-rounds", "1", "--measured-rounds", "2", "--jit-quiet-timeout", "0");
    assertThat(run.code()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("rows").asInt()).isEqualTo(20_000);
    assertThat(json.get("warmup_rounds").asInt()).isEqualTo(1);
    assertThat(json.get("lost").asLong()).as("inserted keys missing (warm-up included)").isZero();
    assertThat(json.get("duplicated").asLong()).as("WAL records sealed twice").isZero();
    assertThat(json.get("segments").asInt()).isPositive();
    assertThat(json.get("rows_per_s").asDouble()).isPositive();
    assertThat(json.get("raw_rows_per_s").asDouble()).isPositive();
    assertThat(json.get("windows_rows_per_s").size()).isEqualTo(2);
    assertThat(json.get("windows_ratio").size()).isEqualTo(2);
    assertThat(json.get("raw_reads_rows_per_s").size()).as("before each window and after the last")
        .isEqualTo(3 * IngestBench.RAW_READS);
    assertThat(json.get("p99_commit_delay_ms").asDouble()).isPositive();
  }
}
