package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobArgsTest {
  @Test
  void parsesTheCommandLine() {
    JobArgs a = JobArgs.parse(new String[] {"--warehouse", "s3a://b/w", "--bootstrap-servers=127.0.0.1:9092",
        "--collection", "docs", "--checkpoint-interval", "5s", "--seal-rows", "1000", "--seal-age", "500ms",
        "--hadoop.fs.s3a.endpoint=http://127.0.0.1:9000", "--kafka.security.protocol", "PLAINTEXT"});
    assertThat(a.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(a.options().sealRows()).isEqualTo(1000);
    assertThat(a.options().sealAgeMillis()).isEqualTo(500);
    assertThat(a.options().hadoopProperties()).containsEntry("fs.s3a.endpoint", "http://127.0.0.1:9000");
    assertThat(a.options().kafkaProperties()).containsEntry("security.protocol", "PLAINTEXT");
  }

  @Test
  void refusesBadArgumentsByName() {
    assertThatThrownBy(() -> JobArgs.parse(new String[] {"--warehouse", "/w", "--bootstrap-servers", "h:1"}))
        .hasMessageContaining("collection is required");
    assertThatThrownBy(() -> JobArgs.parse(new String[] {"--warehouse", "/w", "--bootstrap-servers", "h:1",
        "--collection", "c", "--seal-rows", "many"})).hasMessageContaining("--seal-rows must be a whole number");
    assertThatThrownBy(() -> JobArgs.parse(new String[] {"--warehouse", "/w", "--bootstrap-servers", "h:1",
        "--collection", "c", "--colour", "red"})).hasMessageContaining("Unknown argument(s) [colour]");
  }
}
