package io.quiver.serving.node;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees replaced snapshots and tail chunks some seconds later, when no search started before the swap can still use
 * them; {@link #close()} frees whatever is still pending at once.
 */
final class DeferredCloser implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeferredCloser.class);
  private final long delayMillis;
  private final ScheduledThreadPoolExecutor exec;
  private final Set<Runnable> pending = ConcurrentHashMap.newKeySet();

  DeferredCloser(long delayMillis) {
    this.delayMillis = delayMillis;
    this.exec = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "quiver-deferred-close");
      t.setDaemon(true);
      return t;
    });
  }

  /** Actions not run yet. */
  int pending() {
    return pending.size();
  }

  void later(Runnable action) {
    pending.add(action);
    exec.schedule(() -> runOnce(action), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void runOnce(Runnable action) {
    if (pending.remove(action)) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn("Deferred close failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    exec.shutdownNow();
    for (Runnable r : Set.copyOf(pending)) {
      runOnce(r);
    }
  }
}
