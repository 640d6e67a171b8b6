package io.quiver.serving.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving distribution's example config parses, and bad configs are refused naming the key and value. */
class ServingMainTest {
  static final Path SHIPPED = Path.of("src/main/dist/conf/node.properties");

  @Test
  void shippedExampleConfigIsAccepted() throws Exception {
    ServerConfig c = ServingMain.parse(SHIPPED);
    assertThat(c.nodeId()).isEqualTo("node-1");
    assertThat(c.zookeeper()).isEqualTo("127.0.0.1:2181");
    assertThat(c.zkNamespace()).isEqualTo("quiver");
    assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(c.warehouse()).isEqualTo("s3a://quiver/warehouse");
    assertThat(c.port()).isEqualTo(19530);
    assertThat(c.metricsPort()).isEqualTo(9091);
    assertThat(c.cacheBytes()).isEqualTo(10L << 30);
    assertThat(c.hadoopProperties()).containsEntry("fs.s3a.path.style.access", "true")
        .containsEntry("quiver.catalog.zookeeper", "127.0.0.1:2181").doesNotContainKey("hadoop.fs.s3a.endpoint");
    assertThat(c.token()).isNull();
    assertThat(c.tlsCert()).isNull();
  }

  @Test
  void badConfigsNameTheKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("node.properties");
    Files.writeString(f, "node.id=a\nzookeeper=z:2181\nkafka.bootstrap=k:9092\nwarehouse=/w\nport=nineteen\n");
    assertThatThrownBy(() -> ServingMain.parse(f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'port' must be an integer, got 'nineteen'");
    Files.writeString(f, "node.id=a\nkafka.bootstrap=k:9092\nwarehouse=/w\n");
    assertThatThrownBy(() -> ServingMain.parse(f)).hasMessageContaining("'zookeeper' is required");
    Files.writeString(f, "node.id=a\nzookeeper=z:2181\nkafka.bootstrap=k:9092\nwarehouse=/w\ntls.cert=/c.pem\n");
    assertThatThrownBy(() -> ServingMain.parse(f)).hasMessageContaining("tls.cert and tls.key go together");
  }
}
