package io.quiver.serving.node;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Admits CPU-bound work (a node's searches) in arrival order, at most one piece per CPU the process may use now, as
 * a search engine's fixed-size search pool does (Elasticsearch's {@code search} pool, Milvus's read-task
 * concurrency): the others wait their turn instead of sharing the CPUs with the running ones, so a busy node runs
 * about one searching thread per CPU beside its JIT compiler threads (which run below the request threads) rather
 * than one per call in flight. Its price, measured by {@code bench serve} on one CPU: about a millisecond at p99 at
 * half the max rate (each queued search is handed its turn by a wake-up).
 * The CPU count is read at every admission (a cpuset or affinity can change while the node runs; Linux answers from
 * the scheduler, a fraction of a microsecond) and the gate follows it.
 */
final class CpuGate {
  private final IntSupplier cpus;
  private final Slots slots = new Slots();
  /** The permits the gate currently has in all (held or free). Guarded by {@code this}. */
  private volatile int size;

  CpuGate(IntSupplier cpus) {
    this.cpus = cpus;
  }

  /** A gate following the CPUs this process may use. */
  static CpuGate forThisProcess() {
    return new CpuGate(() -> Runtime.getRuntime().availableProcessors());
  }

  /**
   * Waits (in arrival order) for a CPU, at most {@code timeoutNanos}.
   *
   * @return whether it was admitted (then {@link #release()} must follow)
   */
  boolean enter(long timeoutNanos) throws InterruptedException {
    resize();
    return slots.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
  }

  void release() {
    slots.release();
  }

  /** CPUs no admitted search holds now (racy; negative while the gate shrinks below what is held). */
  int free() {
    return slots.availablePermits();
  }

  /** Searches waiting for a CPU now (an estimate, as {@link Semaphore#getQueueLength()} is). */
  int waiting() {
    return slots.getQueueLength();
  }

  private void resize() {
    int want = Math.max(1, cpus.getAsInt());
    if (want == size) { // racy read: a change is seen at the latest by the next admission
      return;
    }
    synchronized (this) {
      if (want > size) {
        slots.release(want - size);
      } else if (want < size) {
        slots.reducePermits(size - want); // may go negative while more are held: releases pay it back
      }
      size = want;
    }
  }

  /** A fair semaphore that can shrink. */
  private static final class Slots extends Semaphore {
    Slots() {
      super(0, true);
    }

    @Override
    protected void reducePermits(int reduction) {
      super.reducePermits(reduction);
    }
  }
}
