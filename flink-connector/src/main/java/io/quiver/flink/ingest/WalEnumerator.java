package io.quiver.flink.ingest;

import io.quiver.wal.WalTopics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the WAL topic's partitions into {@link WalSplit}s and assigns partition p to reader p mod parallelism. A
 * shard's split starts one past the manifest's committed offset; partitions beyond the collection's shard count
 * (added to the topic by hand) start at their beginning, and their records become dead letters. Looks for new
 * partitions every {@link #DISCOVERY_MS} ms.
 */
final class WalEnumerator implements SplitEnumerator<WalSplit, WalSplit.EnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(WalEnumerator.class);
  static final long DISCOVERY_MS = 30_000;

  private final SplitEnumeratorContext<WalSplit> context;
  private final Map<String, Object> adminProperties;
  private final String topic;
  private final int shards;
  private final Map<Integer, Long> committed;
  private final List<WalSplit> pending;
  private int discovered;
  @Nullable private Admin admin;

  WalEnumerator(SplitEnumeratorContext<WalSplit> context, Map<String, Object> adminProperties, String topic,
      int shards, Map<Integer, Long> committed, @Nullable WalSplit.EnumeratorState restored) {
    this.context = context;
    this.adminProperties = adminProperties;
    this.topic = topic;
    this.shards = shards;
    this.committed = new HashMap<>(committed);
    this.pending = restored == null ? new ArrayList<>() : new ArrayList<>(restored.pending());
    this.discovered = restored == null ? 0 : restored.discovered();
  }

  @Override
  public void start() {
    context.callAsync(this::partitions, this::discoveredPartitions, 0, DISCOVERY_MS);
  }

  private int partitions() {
    if (admin == null) {
      admin = Admin.create(adminProperties);
    }
    return WalTopics.partitions(admin, topic);
  }

  private void discoveredPartitions(@Nullable Integer count, @Nullable Throwable error) {
    if (error != null) {
      if (discovered == 0 && pending.isEmpty()) {
        throw new FlinkRuntimeException("Cannot list the partitions of WAL topic " + topic + ": " + error, error);
      }
      LOG.warn("Cannot list the partitions of WAL topic {} (will retry): {}", topic, error.toString());
      return;
    }
    for (int p = discovered; p < count; p++) {
      long start = p < shards ? committed.getOrDefault(p, -1L) + 1 : 0L;
      if (p >= shards) {
        LOG.warn("WAL topic {} has partition {} beyond the collection's {} shards: its records go to the DLQ",
            topic, p, shards);
      }
      pending.add(new WalSplit(p, start));
    }
    discovered = Math.max(discovered, count);
    assignPending();
  }

  /** Hands every pending split whose owner has registered to it. */
  private void assignPending() {
    int parallelism = context.currentParallelism();
    Map<Integer, List<WalSplit>> assignment = new HashMap<>();
    for (Iterator<WalSplit> it = pending.iterator(); it.hasNext(); ) {
      WalSplit s = it.next();
      int owner = s.partition() % parallelism;
      if (context.registeredReaders().containsKey(owner)) {
        assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(s);
        it.remove();
      }
    }
    if (!assignment.isEmpty()) {
      LOG.info("Assigning WAL splits {}", assignment);
      context.assignSplits(new SplitsAssignment<>(assignment));
    }
  }

  @Override
  public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
    // splits are pushed, never requested
  }

  @Override
  public void addSplitsBack(List<WalSplit> splits, int subtaskId) {
    pending.addAll(splits); // the reader failed before a checkpoint took them over; reassigned when it is back
  }

  @Override
  public void addReader(int subtaskId) {
    assignPending();
  }

  @Override
  public WalSplit.EnumeratorState snapshotState(long checkpointId) {
    return new WalSplit.EnumeratorState(discovered, List.copyOf(pending));
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
  }
}
