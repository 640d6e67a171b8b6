package io.quiver.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The node-side split of {@code bench serve}'s tail, read from two readings of the node's latency histogram. */
class ServeBenchTest {
  private static final double[] BOUNDS = {0.001, 0.002, 0.005, 0.01, 0.02, Double.POSITIVE_INFINITY};

  @Test
  void tailIsTheBucketHoldingP99AndTheShareOverFiveMillisecondsBetweenTwoReadings() {
    ServeBench.Buckets before = new ServeBench.Buckets(BOUNDS, new long[] {500, 300, 100, 50, 40, 10});
    // 1,000 searches in between: 900 up to 2 ms, 80 up to 5 ms, 15 up to 10 ms, 4 up to 20 ms, 1 above
    ServeBench.Buckets after = new ServeBench.Buckets(BOUNDS, new long[] {1100, 600, 180, 65, 44, 11});
    double[] t = ServeBench.tail(after, before);
    assertThat(t[2]).isEqualTo(1000);
    assertThat(t[0]).as("990th of 1,000 falls in the (5, 10] ms bucket").isEqualTo(0.01);
    assertThat(t[1]).isEqualTo(0.02);
  }

  @Test
  void noSearchesInBetweenGiveNoFigures() {
    ServeBench.Buckets none = new ServeBench.Buckets(new double[0], new long[0]);
    double[] t = ServeBench.tail(none, none);
    assertThat(t[0]).isNaN();
    assertThat(t[1]).isNaN();
    assertThat(t[2]).isZero();
    ServeBench.Buckets some = new ServeBench.Buckets(BOUNDS, new long[] {1, 0, 0, 0, 0, 0});
    assertThat(ServeBench.tail(some, some)[2]).isZero();
  }
}
