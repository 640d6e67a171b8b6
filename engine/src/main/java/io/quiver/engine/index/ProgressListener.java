package io.quiver.engine.index;

/**
 * Told how far an index build has come. Called from build threads, possibly concurrently and often: implementations
 * must be thread-safe and cheap (a counter, a rate-limited progress bar).
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (phase, done, total) -> { };

  /**
   * @param phase what is being done ("graph", "pq", "write", ...)
   * @param done  units finished in this phase
   * @param total units in this phase
   */
  void progress(String phase, long done, long total);
}
