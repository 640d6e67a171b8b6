package io.quiver.flink.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * The seals of one reader running on their own thread, first in first out, so one shard's pieces come out in offset
 * order. Used from the task thread only (except the seals themselves).
 */
final class BackgroundSeals implements AutoCloseable {
  /** A seal of range {@code first..} of {@code shard}. */
  record InFlight(ShardGrowth shard, long first, CompletableFuture<Sealer.Result> piece) {
    /** The sealed piece; a failed seal's exception is rethrown as it was thrown. */
    Sealer.Result result() throws Exception {
      try {
        return piece.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception) {
          throw (Exception) e.getCause();
        }
        throw e;
      }
    }
  }

  private final ExecutorService thread;
  private final ArrayDeque<InFlight> queue = new ArrayDeque<>();
  private final int max;

  BackgroundSeals(String threadName, int max) {
    this.max = max;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  boolean isFull() {
    return queue.size() >= max;
  }

  void submit(ShardGrowth shard, long first, Supplier<Sealer.Result> seal) {
    queue.add(new InFlight(shard, first, CompletableFuture.supplyAsync(seal, thread)));
  }

  /** The oldest seal in flight, or null. */
  @Nullable
  CompletableFuture<Sealer.Result> head() {
    InFlight head = queue.peek();
    return head == null ? null : head.piece();
  }

  /**
   * Takes the oldest seal off the queue when it is done (or, with {@code wait}, once it is done); null when the
   * queue is empty or, without {@code wait}, the oldest seal still runs.
   */
  @Nullable
  InFlight next(boolean wait) {
    InFlight head = queue.peek();
    if (head == null || (!wait && !head.piece().isDone())) {
      return null;
    }
    return queue.poll();
  }

  /** Stops the thread; a seal cut short leaves files no manifest lists, which garbage collection removes. */
  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(30, TimeUnit.SECONDS);
  }
}
