package io.quiver.serving.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long an idle tail's fetches wait at the broker, from the node's BOUNDED staleness bound. */
class ShardTailTest {
  @Test
  void fetchWaitIsATenthOfTheBoundBetweenTenAndFiveHundredMilliseconds() {
    assertThat(ShardTail.fetchWaitMillis(5_000)).as("Milvus's default bound").isEqualTo(500);
    assertThat(ShardTail.fetchWaitMillis(60_000)).isEqualTo(500);
    assertThat(ShardTail.fetchWaitMillis(1_000)).isEqualTo(100);
    assertThat(ShardTail.fetchWaitMillis(1)).as("as fresh as can be").isEqualTo(10);
    assertThat(ShardTail.fetchWaitMillis(0)).isEqualTo(10);
  }
}
