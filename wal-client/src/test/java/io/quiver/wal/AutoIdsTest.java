package io.quiver.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AutoIdsTest {
  @Test
  void increasesWithinOneMillisecondAndWhenTheClockStepsBack() {
    AutoIds ids = new AutoIds(7);
    long t = AutoIds.EPOCH_MILLIS + 1_000;
    long prev = -1;
    for (int i = 0; i < 5_000; i++) {
      long id = ids.next(i < 2_500 ? t : t - 10); // 5,000 ids in "one millisecond", then the clock goes back
      assertThat(id).as("id %d", i).isGreaterThan(prev).isPositive();
      prev = id;
    }
  }

  @Test
  void writersWithDifferentNodeIdsNeverCollide() {
    Set<Long> seen = new HashSet<>();
    long t = AutoIds.EPOCH_MILLIS + 42;
    for (int node = 0; node < 64; node++) {
      AutoIds ids = new AutoIds(node);
      for (int i = 0; i < 2_000; i++) {
        assertThat(seen.add(ids.next(t))).as("node %d id %d unique", node, i).isTrue();
      }
    }
  }

  @Test
  void refusesNodeIdsOutOfRange() {
    assertThatThrownBy(() -> new AutoIds(4096)).hasMessageContaining("0..4095, got 4096");
  }
}
