package io.quiver.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The node-side split of {@code bench serve}'s tail, read from two readings of the node's latency histogram; the
 * median of its windows; the client process's latencies as they travel to the bench.
 */
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

  @Test
  void medianOfWindowsIsTheMiddleOneOrTheMeanOfTheTwoMiddleOnes() {
    List<ServeBench.Window> three = List.of(window(9.0), window(2.5), window(40.0));
    assertThat(ServeBench.median(three, ServeBench.Window::sdkP99)).isEqualTo(9.0);
    List<ServeBench.Window> four = List.of(window(9.0), window(2.5), window(40.0), window(3.5));
    assertThat(ServeBench.median(four, ServeBench.Window::sdkP99)).isEqualTo(6.25);
  }

  private static ServeBench.Window window(double sdkP99) {
    return new ServeBench.Window(1, sdkP99, 0, 1, 2, 0, 0, 0);
  }

  @Test
  void theClientsLatenciesTravelWhole() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 10_000; i++) {
      h.recordValue(i % 100 == 0 ? 50_000 + i : 1_000 + i % 700);
    }
    String line = SdkLoadClient.encode(h);
    assertThat(line).doesNotContain(" ", "\n");
    Histogram back = SdkLoadClient.decode(line);
    assertThat(back).isEqualTo(h);
    assertThat(back.getValueAtPercentile(99)).isEqualTo(h.getValueAtPercentile(99));
  }
}
