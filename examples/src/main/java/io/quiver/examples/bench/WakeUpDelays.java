package io.quiver.examples.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How late a thread of this process wakes up from 1 ms sleeps, in µs (as jHiccup measures a JVM): what the machine's
 * scheduling alone adds to any request on these CPUs — other runnable threads, and on a virtual machine the host taking
 * the CPU away — with nothing of the request's own code in it. One daemon thread, from {@link #start} to {@link #stop}.
 */
final class WakeUpDelays implements AutoCloseable {
  private static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Histogram late = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Thread thread;
  private volatile boolean running = true;

  private WakeUpDelays() {
    this.thread = new Thread(this::run, "quiver-bench-wakeups");
    thread.setDaemon(true);
  }

  static WakeUpDelays start() {
    WakeUpDelays d = new WakeUpDelays();
    d.thread.start();
    return d;
  }

  private void run() {
    while (running) {
      long t0 = System.nanoTime();
      LockSupport.parkNanos(SLEEP_NANOS);
      long overshoot = System.nanoTime() - t0 - SLEEP_NANOS;
      synchronized (late) {
        late.recordValue(Math.min(late.getHighestTrackableValue(), Math.max(0, overshoot / 1_000)));
      }
    }
  }

  /** Stops the thread (waits for it, bounded) and returns the delays it saw. */
  Histogram stop() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(5));
    synchronized (late) {
      return late.copy();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(5));
  }
}
