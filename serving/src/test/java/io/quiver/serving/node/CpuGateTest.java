package io.quiver.serving.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One search per CPU, the others in arrival order; the gate follows the CPU count. */
class CpuGateTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void admitsOnePerCpuAndTimesOutWhenNoneFrees() throws Exception {
    CpuGate gate = new CpuGate(() -> 2);
    assertThat(gate.enter(SECOND)).isTrue();
    assertThat(gate.free()).as("one CPU left").isEqualTo(1);
    assertThat(gate.enter(SECOND)).isTrue();
    assertThat(gate.free()).isZero();
    assertThat(gate.enter(TimeUnit.MILLISECONDS.toNanos(20))).as("both CPUs taken").isFalse();
    gate.release();
    assertThat(gate.free()).isEqualTo(1);
    assertThat(gate.enter(0)).as("one freed").isTrue();
  }

  @Test
  void waitersAreAdmittedInArrivalOrder() throws Exception {
    CpuGate gate = new CpuGate(() -> 1);
    assertThat(gate.enter(SECOND)).isTrue();
    ExecutorService ex = Executors.newFixedThreadPool(5);
    try {
      List<Integer> order = new CopyOnWriteArrayList<>();
      List<CompletableFuture<Void>> fs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int id = i;
        int queued = gate.waiting();
        fs.add(CompletableFuture.runAsync(() -> {
          try {
            assertThat(gate.enter(10 * SECOND)).isTrue();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          order.add(id);
          gate.release();
        }, ex));
        awaitWaiting(gate, queued + 1); // so that arrival order is i's order
      }
      gate.release();
      CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
      assertThat(order).containsExactly(0, 1, 2, 3, 4);
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void followsTheCpuCountBothWays() throws Exception {
    AtomicInteger cpus = new AtomicInteger(1);
    CpuGate gate = new CpuGate(cpus::get);
    assertThat(gate.enter(SECOND)).isTrue();
    assertThat(gate.enter(TimeUnit.MILLISECONDS.toNanos(10))).isFalse();
    cpus.set(3);
    assertThat(gate.enter(SECOND)).as("grown to 3").isTrue();
    assertThat(gate.enter(SECOND)).isTrue();
    assertThat(gate.enter(TimeUnit.MILLISECONDS.toNanos(10))).isFalse();
    cpus.set(1); // three held, one allowed: two releases pay the shrink back before anyone gets in
    gate.release();
    assertThat(gate.enter(TimeUnit.MILLISECONDS.toNanos(10))).isFalse();
    gate.release();
    assertThat(gate.enter(TimeUnit.MILLISECONDS.toNanos(10))).isFalse();
    gate.release();
    assertThat(gate.enter(SECOND)).as("all released: one CPU again").isTrue();
    assertThat(gate.enter(TimeUnit.MILLISECONDS.toNanos(10))).isFalse();
  }

  private static void awaitWaiting(CpuGate gate, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10 * SECOND;
    while (gate.waiting() < n) {
      assertThat(System.nanoTime()).as("%d waiters within 10 s", n).isLessThan(deadline);
      Thread.sleep(1); // polling a queue length: the semaphore offers nothing to await
    }
  }
}
