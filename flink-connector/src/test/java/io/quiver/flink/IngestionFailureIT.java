package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.wal.WalWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under failures: one failure at each of six points (mid-stream, before and after the seal's files,
 * while preparing the committable, between checkpoint completion and the manifest commit, and after the commit
 * before Flink learns of it), Flink restarting from the last checkpoint each time, then a stop-with-savepoint and a
 * restart from that savepoint. Nothing lost, nothing duplicated, committed ranges contiguous in every version.
 */
@QuiverServers(kafka = true, s3 = true)
class IngestionFailureIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

  @AfterEach
  void disarm() {
    FailurePoints.reset();
  }

  @Test
  void survivesInjectedFailuresAndASavepointRestart(EmbeddedKafka kafka, EmbeddedS3 s3, @TempDir Path savepoints)
      throws Exception {
    String collection = "faulty";
    IngestionOptions options = FlinkTestSupport.newCollection(collection, 4, 8_000, kafka, s3);
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Workload work = new Workload(7);
    List<String> points = List.of(FailurePoints.RECORD, FailurePoints.SEAL_BEFORE_FILES,
        FailurePoints.SEAL_AFTER_FILES, FailurePoints.PREPARE_COMMIT, FailurePoints.BEFORE_MANIFEST_COMMIT,
        FailurePoints.AFTER_MANIFEST_COMMIT);
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), collection, Workload.SCHEMA, 4).build()) {
      work.write(w, 100_000);
      FailurePoints.arm(FailurePoints.RECORD, 30_000);
      FailurePoints.arm(FailurePoints.SEAL_BEFORE_FILES, 3);
      FailurePoints.arm(FailurePoints.SEAL_AFTER_FILES, 7);
      FailurePoints.arm(FailurePoints.PREPARE_COMMIT, 4);
      FailurePoints.arm(FailurePoints.BEFORE_MANIFEST_COMMIT, 2);
      FailurePoints.arm(FailurePoints.AFTER_MANIFEST_COMMIT, 5);
      JobClient job = FlinkTestSupport.submit(options, 2, new Configuration());
      String savepoint;
      try {
        // How many seals and commits the first 100,000 rows make depends on timing (seal age, checkpoint cadence): a
        // fast run can catch up before the later points' passes come. Keep a trickle of writes (part of the expected
        // rows) coming until every point has fired, so the test does not depend on the machine's speed.
        Awaitility.await("every failure point fired").atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofMillis(500)).until(() -> {
              if (FailurePoints.fired().containsAll(points)) {
                return true;
              }
              work.write(w, 1_000);
              return false;
            });
        work.write(w, 50_000);
        savepoint = stopWithSavepoint(job, savepoints.toUri().toString());
      } catch (Exception e) {
        FlinkTestSupport.cancel(job);
        throw e;
      }
      work.write(w, 50_000); // written while no job runs
      Configuration restore = new Configuration();
      restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
      JobClient resumed = FlinkTestSupport.submit(options, 2, restore);
      try {
        Manifest m = Workload.awaitCaughtUp(catalog, collection, kafka.bootstrapServers(), Duration.ofMinutes(4));
        assertThat(FailurePoints.fired()).containsExactlyInAnyOrderElementsOf(points);
        work.assertIngested(catalog, m);
      } finally {
        FlinkTestSupport.cancel(resumed);
      }
    }
  }

  /**
   * Stops the job with a savepoint once every task runs: right after the last injected failure the job may still be
   * restarting, and Flink refuses the savepoint then ("not being executed at the moment"). Retries until a deadline.
   */
  private static String stopWithSavepoint(JobClient job, String dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try {
        return job.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
      } catch (java.util.concurrent.ExecutionException e) {
        boolean restarting = String.valueOf(e.getCause()).contains("is not being executed at the moment");
        if (!restarting || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500); // the restart has no completion event a JobClient exposes; poll with a deadline
      }
    }
  }
}
