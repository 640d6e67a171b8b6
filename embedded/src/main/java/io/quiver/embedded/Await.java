package io.quiver.embedded;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until it holds or a deadline passes; never a fixed sleep. */
final class Await {
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** A condition that may throw: a failure counts as "not yet" and is reported if the deadline passes. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @throws IllegalStateException naming {@code what} if it does not hold within {@code timeout}, or if the
   *     thread is interrupted (the interrupt flag is restored)
   */
  static void until(String what, Duration timeout, Condition condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    Exception lastFailure = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
        lastFailure = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      } catch (Exception e) {
        lastFailure = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("Timed out after " + timeout.toMillis() + " ms waiting for " + what
            + (lastFailure == null ? "" : "; last failure: " + lastFailure), lastFailure);
      }
      LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what);
      }
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }
}
