package io.quiver.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What can be checked without starting a server. */
class EmbeddedServersTest {

  @Test
  void emptySelectionStartsNothingAndExplainsWhatIsMissing() {
    try (EmbeddedServers servers = EmbeddedServers.builder().start()) {
      assertThatThrownBy(servers::kafka).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Embedded Kafka was not started").hasMessageContaining("kafka = true");
      assertThatThrownBy(servers::s3).hasMessageContaining("Embedded S3 was not started");
      assertThatThrownBy(servers::zookeeper).hasMessageContaining("Embedded ZooKeeper was not started");
    }
  }

  @Test
  void kafkaRefusesOverridesOfWhatTheEmbeddedBrokerOwns() {
    assertThatThrownBy(() -> EmbeddedKafka.start(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot override broker property listeners");
  }

  @Test
  void s3RefusesInvalidBucketNames() {
    assertThatThrownBy(() -> EmbeddedS3.start("Not_A_Bucket")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Not_A_Bucket'");
  }

  @Test
  void freePortsAreDistinct() {
    int[] ports = Loopback.freePorts(5);
    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(5);
    assertThat(Arrays.stream(ports).min().orElseThrow()).isPositive();
  }

  @Test
  void awaitGivesUpAtTheDeadlineNamingWhatItWaitedFor() {
    long begin = System.nanoTime();
    assertThatThrownBy(() -> Await.until("the impossible", Duration.ofMillis(100), () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Timed out after 100 ms waiting for the impossible");
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void bindExceptionAnywhereInTheCauseChainIsAPortClash() {
    RuntimeException clash = new IllegalStateException("start failed",
        new RuntimeException(new java.net.BindException("Address already in use")));
    assertThat(Loopback.isPortClash(clash)).isTrue();
    assertThat(Loopback.isPortClash(new IllegalStateException("other"))).isFalse();
  }
}
