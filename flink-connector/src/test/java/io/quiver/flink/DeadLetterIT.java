package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.ingest.DeadLetterSerializer;
import io.quiver.flink.verify.LiveRows;
import io.quiver.flink.verify.OffsetAudit;
import io.quiver.wal.WalTopics;
import io.quiver.wal.WalWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Poison records land in the DLQ with their reason and source position; the job goes on and covers their offsets. */
@QuiverServers(kafka = true, s3 = true)
class DeadLetterIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();

  @Test
  void poisonGoesToTheDeadLetterTopicAndTheJobGoesOn(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
    String collection = "poisoned";
    IngestionOptions options = FlinkTestSupport.newCollection(collection, 2, 1_000, kafka, s3);
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Workload work = new Workload(3);
    JobClient job = FlinkTestSupport.submit(options, 2, new Configuration());
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), collection, Workload.SCHEMA, 2).build()) {
      work.write(w, 2_000);
      Map<String, String> poison = producePoison(kafka, collection);
      work.write(w, 2_000);
      Manifest m = Workload.awaitCaughtUp(catalog, collection, kafka.bootstrapServers(), Duration.ofMinutes(3));
      work.assertIngested(catalog, m);

      List<ConsumerRecord<byte[], byte[]>> dead = readDlq(kafka, collection, poison.size());
      Map<String, String> reasons = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        String key = new String(r.key(), StandardCharsets.ISO_8859_1);
        reasons.put(key, header(r, DeadLetterSerializer.ERROR));
        assertThat(header(r, DeadLetterSerializer.SOURCE_PARTITION)).matches("[01]");
        assertThat(Long.parseLong(header(r, DeadLetterSerializer.SOURCE_OFFSET))).isNotNegative();
      }
      assertThat(reasons.keySet()).containsExactlyInAnyOrderElementsOf(poison.keySet());
      poison.forEach((key, reason) -> assertThat(reasons.get(key)).as("reason for %s", key).contains(reason));
      assertThat(LiveRows.read(catalog, m).rows()).hasSize(work.expected.size());
      assertThat(OffsetAudit.check(catalog, collection)).isEmpty();
    } finally {
      FlinkTestSupport.cancel(job);
    }
  }

  /** Produces poison records; returns key (ISO-8859-1 text of the key bytes) → expected reason fragment. */
  private static Map<String, String> producePoison(EmbeddedKafka kafka, String collection) throws Exception {
    Map<String, String> poison = new HashMap<>();
    CollectionSchema wrongDim = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("emb", 3, MetricType.L2).varchar("tag", 16, true)
        .scalar("n", io.quiver.engine.schema.DataType.INT64).build();
    byte[] badVector = new WalCodec(wrongDim).encode(WalRecord.upsert(1, WalRecord.DEFAULT_PARTITION, 900_001L,
        Row.of(wrongDim, Map.of("id", 900_001L, "emb", new float[] {1, 2, 3}))));
    WalCodec good = new WalCodec(Workload.SCHEMA);
    byte[] keyMismatch = good.encode(WalRecord.upsert(1, WalRecord.DEFAULT_PARTITION, 900_002L,
        Row.of(Workload.SCHEMA, Map.of("id", 900_002L, "emb", new float[Workload.DIM]))));
    Map<byte[], byte[]> records = new java.util.LinkedHashMap<>();
    records.put("garbage".getBytes(StandardCharsets.ISO_8859_1), "not a wal record".getBytes(StandardCharsets.UTF_8));
    poison.put("garbage", "bad magic");
    records.put(Sharding.keyBytes(900_001L), badVector);
    poison.put(new String(Sharding.keyBytes(900_001L), StandardCharsets.ISO_8859_1), "dimension 3");
    records.put(Sharding.keyBytes(900_003L), keyMismatch);
    poison.put(new String(Sharding.keyBytes(900_003L), StandardCharsets.ISO_8859_1), "not the primary key");
    byte[] truncated = java.util.Arrays.copyOf(keyMismatch, 12);
    records.put(Sharding.keyBytes(900_004L), truncated);
    poison.put(new String(Sharding.keyBytes(900_004L), StandardCharsets.ISO_8859_1), "malformed");
    Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "key.serializer", ByteArraySerializer.class, "value.serializer", ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      for (Map.Entry<byte[], byte[]> e : records.entrySet()) {
        p.send(new ProducerRecord<>(WalTopics.walTopic(collection), Sharding.shardOfKey(e.getKey(), 2), e.getKey(),
            e.getValue())).get();
      }
    }
    return poison;
  }

  private static List<ConsumerRecord<byte[], byte[]>> readDlq(EmbeddedKafka kafka, String collection, int n) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition(WalTopics.dlqTopic(collection), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      Awaitility.await("dead letters in " + tp).atMost(Duration.ofMinutes(1)).until(() -> {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
        return out.size() >= n;
      });
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
