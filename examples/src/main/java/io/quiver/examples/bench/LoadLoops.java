package io.quiver.examples.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/** The serve bench's two load shapes, run the same way on the in-process side and in the SDK client's JVM. */
final class LoadLoops {
  private LoadLoops() {}

  /**
   * {@code threads} threads calling {@code op} back to back for {@code seconds}; returns {calls per second, this
   * process's CPU nanoseconds, calls}.
   */
  static double[] closedLoop(IntConsumer op, int threads, int seconds) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    AtomicLong n = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    long cpu0 = ThreadCpu.processNanos();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(ex.submit(() -> {
        while (System.nanoTime() < end) {
          op.accept((int) n.getAndIncrement());
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    ex.shutdown();
    long cpu = ThreadCpu.processNanos() - cpu0;
    return new double[] {n.get() / ((System.nanoTime() - start) / 1e9), cpu, n.get()};
  }

  /**
   * Calls {@code op} at a fixed rate for {@code seconds} (open loop: latency counted from each call's scheduled time,
   * so a stall delays every call scheduled during it) on up to {@code threads} threads, into {@code lat} (µs). Into
   * {@code late} (µs): how long after its scheduled time each call began, the load generator's own share of the
   * latency (its pacing, the hand-off to a thread, that thread getting a core on a busy machine).
   *
   * <p>Paced with {@link LockSupport#parkNanos}: JDK 17's {@code Thread.sleep(0, nanos)} (what {@code
   * TimeUnit.sleep} comes down to) sleeps whole milliseconds, which started calls 0.7-1 ms late at the median.
   */
  static void openLoop(IntConsumer op, double rate, int seconds, int threads, Histogram lat, Histogram late)
      throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    long interval = (long) (1e9 / Math.max(1, rate));
    long start = System.nanoTime();
    long count = (long) (rate * seconds);
    List<Future<?>> fs = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      long due = start + i * interval;
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait); // pacing the open-loop schedule (may return early: checked again)
      }
      int idx = (int) i;
      fs.add(ex.submit(() -> {
        long began = System.nanoTime();
        op.accept(idx);
        long done = System.nanoTime();
        synchronized (lat) {
          lat.recordValue(Math.max(1, (done - due) / 1_000));
          late.recordValue(Math.max(1, (began - due) / 1_000));
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    ex.shutdown();
  }

  /** {collections, milliseconds} of this JVM's garbage collectors so far (G1's pauses; ZGC's cycles). */
  static long[] gc() {
    long n = 0;
    long ms = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
      ms += Math.max(0, b.getCollectionTime());
    }
    return new long[] {n, ms};
  }
}
