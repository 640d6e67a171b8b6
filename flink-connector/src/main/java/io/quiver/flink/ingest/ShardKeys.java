package io.quiver.flink.ingest;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * The Flink key of each shard, chosen so that shards spread evenly over the segment builders.
 *
 * <p>Keying by the shard number itself lets Flink's key-group hash put several of a handful of shards on one subtask
 * (with 4 shards and parallelism 2, all four landed on one). Instead shard {@code s} of {@code n} is keyed by the
 * smallest int whose key group is {@code (2s+1)·maxParallelism / 2n}: key groups evenly spaced, so every
 * parallelism gets an even share. Keys depend only on the shard count and {@link #MAX_PARALLELISM}, both fixed for
 * a collection, so savepoints restore under any parallelism.
 */
public final class ShardKeys implements KeySelector<WalEnvelope, Integer>, Serializable {
  private static final long serialVersionUID = 1L;
  /** Max parallelism of the segment builder (= key groups); part of the savepoint contract. */
  public static final int MAX_PARALLELISM = 1024;

  private final int[] keys;

  public ShardKeys(int shards) {
    if (shards < 1 || shards > MAX_PARALLELISM) {
      throw new IllegalArgumentException("Shard count must be 1.." + MAX_PARALLELISM + ", got " + shards);
    }
    keys = new int[shards];
    Set<Integer> used = new HashSet<>();
    for (int s = 0; s < shards; s++) {
      int target = (int) ((2L * s + 1) * MAX_PARALLELISM / (2L * shards));
      int k = 0;
      while (used.contains(k) || KeyGroupRangeAssignment.assignToKeyGroup(k, MAX_PARALLELISM) != target) {
        k++;
      }
      used.add(k);
      keys[s] = k;
    }
  }

  @Override
  public Integer getKey(WalEnvelope e) {
    // A partition beyond the shard count (the topic grew) still needs a key: SegmentBuilder dead-letters its records.
    return keys[e.shard % keys.length];
  }

  int keyOf(int shard) {
    return keys[shard];
  }
}
