package io.quiver.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

@QuiverServers(kafka = true, zookeeper = true, s3 = true)
class EmbeddedServersIT {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServersIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final EmbeddedServers servers;

  EmbeddedServersIT(EmbeddedServers servers) {
    this.servers = servers;
  }

  @BeforeAll
  static void logStartupTimes(EmbeddedKafka kafka, EmbeddedZooKeeper zooKeeper, EmbeddedS3 s3) {
    LOG.info("Startup times: kafka {} ms, zookeeper {} ms, s3 {} ms", kafka.startupTime().toMillis(),
        zooKeeper.startupTime().toMillis(), s3.startupTime().toMillis());
  }

  @Test
  void injectsTheServersStartedOnceForTheClass(EmbeddedKafka kafka, EmbeddedZooKeeper zooKeeper, EmbeddedS3 s3) {
    assertThat(servers.kafka()).as("constructor and method injection share the class's broker").isSameAs(kafka);
    assertThat(servers.zookeeper()).isSameAs(zooKeeper);
    assertThat(servers.s3()).isSameAs(s3);
    assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
    assertThat(zooKeeper.connectString()).isEqualTo("127.0.0.1:" + zooKeeper.port());
    assertThat(s3.endpoint()).hasToString("http://127.0.0.1:" + s3.port());
  }

  @Test
  void kafkaRoundTripsRecordsFromAnIdempotentProducer(EmbeddedKafka kafka) throws Exception {
    String topic = "it-round-trip";
    kafka.createTopic(topic, 2);
    Map<String, String> sent = new TreeMap<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000",
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 5; i++) {
        sent.put("key-" + i, "vector-" + i);
        producer.send(new ProducerRecord<>(topic, "key-" + i, "vector-" + i)).get(20, TimeUnit.SECONDS);
      }
    }

    Map<String, String> received = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-group",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          received.put(record.key(), record.value());
        }
      }
    }
    assertThat(received).as("records read back from %s", topic).isEqualTo(sent);
  }

  @Test
  void zooKeeperStoresAndReturnsAZnode(EmbeddedZooKeeper zooKeeper) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper client = new ZooKeeper(zooKeeper.connectString(), 30_000, event -> {
      if (event.getState() == KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    try {
      assertThat(connected.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("session established").isTrue();
      byte[] data = "leader=node-1".getBytes(StandardCharsets.UTF_8);
      client.create("/quiver-it", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      assertThat(new String(client.getData("/quiver-it", false, null), StandardCharsets.UTF_8))
          .isEqualTo("leader=node-1");
      assertThat(client.getChildren("/", false)).contains("quiver-it");
    } finally {
      client.close();
    }
  }

  @Test
  void s3ProxyStoresAndReturnsAnObject(EmbeddedS3 s3) {
    try (S3Client client = S3Client.builder()
        .endpointOverride(s3.endpoint())
        .region(Region.of(s3.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .forcePathStyle(true)
        .build()) {
      client.putObject(b -> b.bucket(s3.bucket()).key("segments/0001.seg"),
          RequestBody.fromString("quiver segment", StandardCharsets.UTF_8));

      String content = client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("segments/0001.seg"))
          .asString(StandardCharsets.UTF_8);
      assertThat(content).isEqualTo("quiver segment");
      assertThat(client.listObjectsV2(b -> b.bucket(s3.bucket()).prefix("segments/")).contents())
          .extracting(S3Object::key).containsExactly("segments/0001.seg");
    }
  }

  @Test
  void hadoopPropertiesPointS3aAtTheProxy(EmbeddedS3 s3) {
    Map<String, String> props = s3.hadoopProperties();
    assertThat(props).containsEntry("fs.s3a.endpoint", "http://127.0.0.1:" + s3.port())
        .containsEntry("fs.s3a.path.style.access", "true")
        .containsEntry("fs.s3a.connection.ssl.enabled", "false")
        .containsEntry("fs.s3a.access.key", s3.accessKey())
        .containsEntry("fs.s3a.secret.key", s3.secretKey())
        .containsKeys("fs.s3a.endpoint.region", "fs.s3a.aws.credentials.provider", "fs.s3a.buffer.dir",
            "fs.s3a.retry.limit", "fs.s3a.attempts.maximum");
    assertThat(s3.bucket()).matches("quiver-[0-9a-f]{8}");
    assertThat(s3.warehouseUri("/tables/docs")).isEqualTo("s3a://" + s3.bucket() + "/tables/docs");
  }
}
