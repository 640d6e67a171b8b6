package io.quiver.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builder-configured extension, with a per-class test instance (constructor resolved before beforeAll). */
@TestInstance(Lifecycle.PER_CLASS)
class QuiverServersExtensionIT {
  @RegisterExtension
  static final QuiverServersExtension SERVERS = QuiverServersExtension.of(EmbeddedServers.builder().s3("warehouse"));

  private final EmbeddedS3 s3;

  QuiverServersExtensionIT(EmbeddedS3 s3) {
    this.s3 = s3;
  }

  @Test
  void startsTheBuildersSelectionWithItsOptions(EmbeddedServers servers) {
    assertThat(servers.s3()).isSameAs(s3);
    assertThat(s3.bucket()).isEqualTo("warehouse");
    assertThat(s3.warehouseUri("t")).isEqualTo("s3a://warehouse/t");
    assertThatThrownBy(servers::kafka).hasMessageContaining("Embedded Kafka was not started");
  }

  @Nested
  @TestInstance(Lifecycle.PER_METHOD)
  class NestedClass {
    @Test
    void reusesTheEnclosingClassesServers(EmbeddedS3 nestedS3) {
      assertThat(nestedS3).isSameAs(s3);
    }
  }
}
