package io.quiver.examples.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
   * so a stall delays every call scheduled during it) on up to {@code threads} threads, into {@code lat} (µs).
   */
  static void openLoop(IntConsumer op, double rate, int seconds, int threads, Histogram lat) throws Exception {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    long interval = (long) (1e9 / Math.max(1, rate));
    long start = System.nanoTime();
    long count = (long) (rate * seconds);
    List<Future<?>> fs = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the open-loop schedule
      }
      int idx = (int) i;
      fs.add(ex.submit(() -> {
        op.accept(idx);
        synchronized (lat) {
          lat.recordValue(Math.max(1, (System.nanoTime() - due) / 1_000));
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
    for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
      ms += Math.max(0, b.getCollectionTime());
    }
    return new long[] {n, ms};
  }

}
