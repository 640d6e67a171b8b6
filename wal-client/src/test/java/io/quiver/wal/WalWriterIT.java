package io.quiver.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

@QuiverServers(kafka = true)
class WalWriterIT {
  private static final int SHARDS = 3;

  @Test
  void writesValidatedRecordsToTheirShardsAndReturnsTheOffsetsAsToken(EmbeddedKafka kafka) {
    CollectionSchema schema = CollectionSchema.builder().int64PrimaryKey("id", true)
        .vector("emb", 2, MetricType.L2).varchar("tag", 8, true).build();
    WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), "auto", SHARDS);
    WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), "auto", SHARDS); // idempotent
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), "auto", schema, SHARDS).build()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        rows.add(Map.of("emb", new float[] {i, 1}, "tag", "t" + i));
      }
      WriteResult inserted = w.insert(rows);
      assertThat(inserted.primaryKeys()).hasSize(30).doesNotHaveDuplicates();
      Object firstPk = inserted.primaryKeys().get(0);
      WriteResult upserted = w.upsert(List.of(Map.of("id", firstPk, "emb", new float[] {9, 9})));
      WriteResult deleted = w.delete(List.of(inserted.primaryKeys().get(1)));

      assertThatThrownBy(() -> w.insert(List.of(Map.of("emb", new float[] {1, 2}), Map.of("emb", new float[] {1}))))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("'emb'").hasMessageContaining("dimension 1").hasMessageContaining("row 1 of 2");

      ReadToken all = inserted.token().merge(upserted.token()).merge(deleted.token());
      assertThat(w.flush()).isEqualTo(all);
      List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, "auto");
      assertThat(records).hasSize(32); // nothing of the invalid batch
      Map<Integer, Long> ends = new HashMap<>();
      WalCodec codec = new WalCodec(schema);
      for (ConsumerRecord<byte[], byte[]> r : records) {
        ends.merge(r.partition(), r.offset(), Math::max);
        WalRecord rec = codec.decode(r.value());
        assertThat(r.partition()).isEqualTo(Sharding.shardOf(rec.pk(), SHARDS));
        assertThat(r.key()).isEqualTo(Sharding.keyBytes(rec.pk()));
      }
      assertThat(all.offsets()).isEqualTo(ends);
      assertThat(codec.decode(records.stream().filter(r -> r.offset() == upserted.token().offsets().values()
          .iterator().next() && r.partition() == upserted.token().offsets().keySet().iterator().next())
          .findFirst().orElseThrow().value()).op()).isEqualTo(WalOp.UPSERT);
    }
  }

  @Test
  void aTransactionIsReadWhenCommittedAndNeverWhenAborted(EmbeddedKafka kafka) {
    CollectionSchema schema = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("emb", 2, MetricType.L2).build();
    WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), "txn", SHARDS);
    try (WalWriter plain = WalWriter.builder(kafka.bootstrapServers(), "txn", schema, SHARDS).build()) {
      assertThatThrownBy(plain::beginTransaction).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without a transactional id").hasMessageContaining("txn");
    }
    try (WalWriter w = WalWriter.builder(kafka.bootstrapServers(), "txn", schema, SHARDS)
        .transactionalId("wal-writer-it").build()) {
      w.beginTransaction();
      w.insert(rows(0, 20));
      w.abortTransaction();
      w.beginTransaction();
      w.insert(rows(100, 30));
      w.delete(List.of(100L));
      assertThat(readAll(kafka, "txn")).as("an open transaction is not read").isEmpty();
      ReadToken token = w.commitTransaction();

      List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, "txn");
      WalCodec codec = new WalCodec(schema);
      assertThat(records).hasSize(31);
      assertThat(records).allSatisfy(r -> assertThat((Long) codec.decode(r.value()).pk()).isBetween(100L, 129L));
      Map<Integer, Long> last = new HashMap<>();
      records.forEach(r -> last.merge(r.partition(), r.offset(), Math::max));
      assertThat(token.offsets()).as("the token reaches the committed records").isEqualTo(last);
    }
  }

  private static List<Map<String, Object>> rows(long first, int count) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (long id = first; id < first + count; id++) {
      out.add(Map.of("id", id, "emb", new float[] {id, 1}));
    }
    return out;
  }

  @Test
  void refusesATopicWithAnotherShardCount(EmbeddedKafka kafka) {
    kafka.createTopic(WalTopics.walTopic("mismatch"), 2);
    assertThatThrownBy(() -> WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        "mismatch", 4)).hasMessageContaining("exists with 2 partitions, but the collection has 4 shards");
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String collection) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // as Quiver's WAL readers
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < SHARDS; p++) {
        tps.add(new TopicPartition(WalTopics.walTopic(collection), p));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read the topic within 30 s").isLessThan(deadline);
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
