package io.quiver.flink.ingest;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * Polls the WAL partitions of one reader's splits with a plain {@link KafkaConsumer} (assigned partitions, no consumer
 * group, no offset commits: the manifest and the job's checkpoints hold the offsets; the committer publishes the
 * manifest's progress to a consumer group for monitoring, {@link GroupOffsets}) on the reader's fetcher thread.
 * Records are handed over as Kafka returned them, undecoded, their keys and values as {@link ByteBuffer} views into the
 * fetch response ({@link ByteBufferDeserializer}: no copy and no array per record; the task thread copies them once,
 * into its growing range). A response is garbage once the task thread has taken its records. The reader's elements are
 * a poll's records of one partition, not single records: the task thread takes a partition's records in one go, so
 * Flink's per-element path (the mailbox, the source operator, the reader's checks for due seals) runs once per batch
 * rather than once per record, which made a third of the task thread's time.
 */
final class WalFetcher implements SplitReader<List<ConsumerRecord<ByteBuffer, ByteBuffer>>, WalSplit> {
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
  private final String topic;
  private final List<TopicPartition> assigned = new ArrayList<>();
  private final Map<Integer, Long> ends;
  /** Per partition, the offset of the last record a poll returned. */
  private final Map<Integer, Long> lastRecords = new HashMap<>();

  /**
   * @param ends where the fetcher publishes, after each poll, each partition's end offset as the poll saw it (its
   *     position plus the consumer's lag; once caught up, one past the last record, so that a transaction marker
   *     behind it does not count as a record still to come), read by the task thread ({@link SegmentGrowth}'s
   *     backlog rule)
   */
  WalFetcher(Map<String, Object> consumerProperties, String topic, Map<Integer, Long> ends) {
    this.ends = ends;
    Map<String, Object> props = new HashMap<>(consumerProperties);
    props.remove("group.id");
    props.put("enable.auto.commit", "false");
    // records of aborted (or still open) Kafka transactions are never ingested; WalWriter#beginTransaction
    props.put("isolation.level", "read_committed");
    props.putIfAbsent("auto.offset.reset", "earliest");
    // WAL records are large (a vector each) and read in bulk: bigger fetches and polls than Kafka's defaults
    props.putIfAbsent("max.poll.records", 5_000);
    props.putIfAbsent("max.partition.fetch.bytes", 8 << 20);
    props.putIfAbsent("fetch.max.bytes", 32 << 20);
    this.consumer = new KafkaConsumer<>(props, new ByteBufferDeserializer(), new ByteBufferDeserializer());
    this.topic = topic;
  }

  @Override
  public RecordsWithSplitIds<List<ConsumerRecord<ByteBuffer, ByteBuffer>>> fetch() {
    if (assigned.isEmpty()) {
      return new Batch(ConsumerRecords.empty());
    }
    try {
      ConsumerRecords<ByteBuffer, ByteBuffer> records = consumer.poll(POLL);
      for (TopicPartition tp : records.partitions()) {
        List<ConsumerRecord<ByteBuffer, ByteBuffer>> of = records.records(tp);
        lastRecords.put(tp.partition(), of.get(of.size() - 1).offset());
      }
      publishEnds();
      return new Batch(records);
    } catch (WakeupException e) {
      return new Batch(ConsumerRecords.empty());
    }
  }

  private void publishEnds() {
    for (TopicPartition tp : assigned) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isPresent()) {
        ends.put(tp.partition(), endOffset(consumer.position(tp), lag.getAsLong(), lastRecords.get(tp.partition())));
      }
    }
  }

  /**
   * The end offset the reader compares its last record with: the consumer's position plus its lag, except once it
   * has caught up (lag 0), one past the last record read — in a WAL written in Kafka transactions the position is past
   * the commit marker that follows the last record, and that marker is no record still to come.
   */
  static long endOffset(long position, long lag, @Nullable Long lastRecord) {
    return lag == 0 && lastRecord != null ? lastRecord + 1 : position + lag;
  }

  @Override
  public void handleSplitsChanges(SplitsChange<WalSplit> change) {
    if (!(change instanceof SplitsAddition)) {
      throw new UnsupportedOperationException("WAL splits are never removed: " + change);
    }
    for (WalSplit s : change.splits()) {
      assigned.add(new TopicPartition(topic, s.partition()));
    }
    consumer.assign(assigned);
    for (WalSplit s : change.splits()) {
      consumer.seek(new TopicPartition(topic, s.partition()), s.startOffset());
    }
  }

  @Override
  public void wakeUp() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  /** One poll's records, partition by partition (one element each: the partition's records), without copying them. */
  private static final class Batch implements RecordsWithSplitIds<List<ConsumerRecord<ByteBuffer, ByteBuffer>>> {
    private final ConsumerRecords<ByteBuffer, ByteBuffer> records;
    private final Iterator<TopicPartition> partitions;
    @Nullable private List<ConsumerRecord<ByteBuffer, ByteBuffer>> current;

    Batch(ConsumerRecords<ByteBuffer, ByteBuffer> records) {
      this.records = records;
      this.partitions = records.partitions().iterator();
    }

    @Nullable
    @Override
    public String nextSplit() {
      if (!partitions.hasNext()) {
        current = null;
        return null;
      }
      TopicPartition tp = partitions.next();
      current = records.records(tp);
      return WalSplit.splitId(tp.partition());
    }

    /** The current partition's records, once; then null. */
    @Nullable
    @Override
    public List<ConsumerRecord<ByteBuffer, ByteBuffer>> nextRecordFromSplit() {
      List<ConsumerRecord<ByteBuffer, ByteBuffer>> out = current;
      current = null;
      return out;
    }

    @Override
    public Set<String> finishedSplits() {
      return Collections.emptySet();
    }
  }
}
