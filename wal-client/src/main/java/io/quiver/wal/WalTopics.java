package io.quiver.wal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Names and creation of a collection's Kafka topics: the WAL {@code quiver.<collection>.wal} with one partition per
 * shard, and the dead-letter topic {@code quiver.<collection>.dlq} where the ingestion job puts records it cannot
 * decode.
 */
public final class WalTopics {
  private static final long TIMEOUT_SECONDS = 60;

  private WalTopics() {}

  /** The WAL topic of {@code collection}. */
  public static String walTopic(String collection) {
    return "quiver." + collection + ".wal";
  }

  /** The dead-letter topic of {@code collection}. */
  public static String dlqTopic(String collection) {
    return "quiver." + collection + ".dlq";
  }

  /**
   * The committed end offsets of {@code shards} of {@code collection}'s WAL, by shard: one past the last record a
   * {@code read_committed} reader (every WAL reader of Quiver) can read — before an open transaction's first record,
   * and before a committed one's records until its markers reach the partition.
   */
  public static Map<Integer, Long> committedEnds(Admin admin, String collection, Collection<Integer> shards,
      Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (int shard : shards) {
      query.put(new TopicPartition(walTopic(collection), shard), OffsetSpec.latest());
    }
    Map<Integer, Long> out = new HashMap<>();
    admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
    return out;
  }

  /**
   * Creates the WAL topic with {@code shards} partitions and the one-partition DLQ topic, unless they exist.
   *
   * @throws IllegalStateException when the WAL topic exists with another partition count: keys would land in other
   *     shards than the collection's manifest expects
   */
  public static void ensureTopics(Map<String, Object> adminProperties, String collection, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("Cannot create the WAL of " + collection + ": shards must be positive, got "
          + shards);
    }
    try (Admin admin = Admin.create(adminProperties)) {
      ensure(admin, walTopic(collection), shards, true);
      ensure(admin, dlqTopic(collection), 1, false);
    }
  }

  private static void ensure(Admin admin, String topic, int partitions, boolean exact) {
    try {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topic " + topic + ": " + e.getCause(), e.getCause());
      }
      if (exact) {
        int actual = partitions(admin, topic);
        if (actual != partitions) {
          throw new IllegalStateException("Topic " + topic + " exists with " + actual + " partitions, but the "
              + "collection has " + partitions + " shards");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out after " + TIMEOUT_SECONDS + " s creating topic " + topic, e);
    }
  }

  /** The partition count of an existing topic. */
  public static int partitions(Admin admin, String topic) {
    try {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
      return d.partitions().size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot describe topic " + topic + ": " + e, e);
    }
  }
}
