package io.quiver.flink.ingest;

import io.quiver.engine.catalog.Manifest;
import io.quiver.flink.IngestionOptions;
import io.quiver.wal.WalTopics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.annotation.Nullable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes how far the manifest has committed each shard as the offsets of a Kafka consumer group, so that the
 * usual tools show the ingestion job's lag ({@code kafka-consumer-groups.sh --describe --group quiver-ingest-docs}),
 * as Flink's Kafka source does when it commits offsets on checkpoints. The group has no members (the job's fetchers
 * read assigned partitions without a group), so its offsets are set through the admin API: {@code group.id} of the
 * job's Kafka properties, else {@code quiver-ingest-<collection>}. Offset = the manifest's last committed offset + 1
 * (Kafka's "next record to read"): what the group shows as consumed is durable in a committed manifest.
 *
 * <p>For monitoring only: the job never reads these offsets back (it restarts from its checkpoint and the manifest),
 * and a failure to publish is logged, never thrown. Used by the committer's one thread.
 */
final class GroupOffsets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);
  /** How long one publication may take before it is given up (the commit path waits for it). */
  private static final long TIMEOUT_SECONDS = 5;
  /** At most one warning this often: a group another client holds would fail every commit the same way. */
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String group;
  private final String topic;
  private final Map<String, Object> adminProperties;
  @Nullable private Admin admin;
  private Map<TopicPartition, OffsetAndMetadata> published = Map.of();
  private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

  GroupOffsets(IngestionOptions options) {
    this.group = groupOf(options);
    this.topic = WalTopics.walTopic(options.collection());
    this.adminProperties = new HashMap<>(options.kafkaProperties());
    adminProperties.remove("group.id"); // a consumer setting; the admin client would only warn about it
    adminProperties.put("bootstrap.servers", options.bootstrapServers());
  }

  /** The consumer group the job's progress is published under. */
  static String groupOf(IngestionOptions options) {
    String configured = options.kafkaProperties().get("group.id");
    return configured != null && !configured.isBlank() ? configured : "quiver-ingest-" + options.collection();
  }

  /** Sets the group's offsets to {@code m}'s committed offsets (+1), if they moved since the last publication. */
  void publish(Manifest m) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    m.committedOffsets().forEach((shard, last) -> {
      if (last >= 0) {
        offsets.put(new TopicPartition(topic, shard), new OffsetAndMetadata(last + 1));
      }
    });
    if (offsets.isEmpty() || offsets.equals(published)) {
      return;
    }
    try {
      if (admin == null) {
        admin = Admin.create(adminProperties);
      }
      admin.alterConsumerGroupOffsets(group, offsets).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      published = offsets;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      long now = System.nanoTime();
      if (now - lastWarning >= WARN_EVERY_NANOS) {
        lastWarning = now;
        LOG.warn("Could not publish {} v{}'s committed offsets to Kafka consumer group {} (monitoring only; the job "
            + "goes on; further failures within a minute are logged at debug level): {}", m.collection(),
            m.version(), group, cause.toString());
      } else {
        LOG.debug("Could not publish {} v{}'s committed offsets to Kafka consumer group {}: {}", m.collection(),
            m.version(), group, cause.toString());
      }
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
    }
  }
}
