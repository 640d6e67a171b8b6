package io.quiver.spark.read;

import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.read.RowOrder;
import io.quiver.engine.read.Visibility;
import io.quiver.engine.schema.Row;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unsealed WAL tail of a manifest version: for each shard, the records after the manifest's committed offset up
 * to the partition's end offset taken when the read starts (read_committed), decoded with {@link WalCodec}. Tail rows
 * and deletes order after every commit ({@link RowOrder#TAIL}, then their Kafka offset), so one
 * {@link Visibility} pass merges them with the sealed segments.
 */
public final class WalTail implements Visibility.Rows {
  private static final Logger LOG = LoggerFactory.getLogger(WalTail.class);

  private final List<Row> rows = new ArrayList<>();
  private final List<Object> pks = new ArrayList<>();
  private final List<Long> offsets = new ArrayList<>();
  private final Visibility.Deletes deletes = new Visibility.Deletes();
  private long records;

  private WalTail() {}

  /** The WAL topic of a collection. */
  public static String topic(String collection) {
    return "quiver." + collection + ".wal";
  }

  /**
   * Reads the tail of {@code manifest}'s collection.
   *
   * @param kafka consumer settings; {@code bootstrap.servers} is required
   * @param timeout how long to wait for the records up to the end offsets
   */
  public static WalTail read(Manifest manifest, Map<String, String> kafka, Duration timeout) {
    if (!kafka.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("include_unsealed needs option 'kafka.bootstrap.servers' "
          + "(the WAL's Kafka brokers)");
    }
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    WalTail tail = new WalTail();
    WalCodec codec = new WalCodec(manifest.schema(), manifest.previousSchemas());
    String topic = topic(manifest.collection());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int s = 0; s < manifest.shards(); s++) {
        parts.add(new TopicPartition(topic, s));
      }
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      Map<TopicPartition, Long> pending = new HashMap<>();
      for (TopicPartition tp : parts) {
        long from = manifest.committedOffset(tp.partition()) + 1;
        long to = end.getOrDefault(tp, 0L);
        if (from < to) {
          consumer.seek(tp, from);
          pending.put(tp, to);
        }
      }
      consumer.pause(parts);
      consumer.resume(pending.keySet());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!pending.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Timed out after " + timeout + " reading the WAL tail of "
              + manifest.collection() + "; still pending: " + pending);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Long to = pending.get(tp);
          if (to == null || r.offset() >= to) {
            continue;
          }
          tail.add(codec.decode(r.value()), r.offset());
        }
        pending.keySet().removeIf(tp -> consumer.position(tp) >= pending.get(tp));
      }
    }
    LOG.info("Read {} unsealed WAL records of {} after v{}", tail.records, manifest.collection(), manifest.version());
    return tail;
  }

  private void add(WalRecord rec, long offset) {
    records++;
    if (rec.op() == WalOp.DELETE) {
      deletes.add(rec.pk(), RowOrder.TAIL, offset);
      return;
    }
    rows.add(rec.row());
    pks.add(rec.pk());
    offsets.add(offset);
  }

  /** The inserted and upserted rows, in the order of {@link #pk}. */
  public List<Row> rows() {
    return rows;
  }

  /** Deletes in the tail, ordered at {@link RowOrder#TAIL}. */
  public Visibility.Deletes deletes() {
    return deletes;
  }

  @Override
  public int size() {
    return rows.size();
  }

  @Override
  public Object pk(int ord) {
    return pks.get(ord);
  }

  @Override
  public long seq(int ord) {
    return RowOrder.TAIL;
  }

  @Override
  public long offset(int ord) {
    return offsets.get(ord);
  }
}
