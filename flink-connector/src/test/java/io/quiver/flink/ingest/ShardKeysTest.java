package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class ShardKeysTest {
  @Test
  void spreadsShardsEvenlyOverAnyParallelism() {
    for (int shards : new int[] {1, 2, 3, 4, 8, 16, 100}) {
      ShardKeys keys = new ShardKeys(shards);
      Set<Integer> distinct = new HashSet<>();
      for (int s = 0; s < shards; s++) {
        distinct.add(keys.keyOf(s));
      }
      assertThat(distinct).as("distinct keys for %d shards", shards).hasSize(shards);
      for (int p = 1; p <= shards; p++) {
        Map<Integer, Integer> perSubtask = new HashMap<>();
        for (int s = 0; s < shards; s++) {
          perSubtask.merge(KeyGroupRangeAssignment.assignKeyToParallelOperator(keys.keyOf(s),
              ShardKeys.MAX_PARALLELISM, p), 1, Integer::sum);
        }
        int max = perSubtask.values().stream().max(Integer::compare).orElse(0);
        assertThat(max).as("most shards on one of %d subtasks (%d shards)", p, shards)
            .isLessThanOrEqualTo((shards + p - 1) / p);
      }
    }
  }
}
