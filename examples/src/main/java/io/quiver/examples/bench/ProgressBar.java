package io.quiver.examples.bench;

import io.quiver.engine.index.ProgressListener;
import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn at most ten times a second; thread-safe. */
final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  /** Draws nothing. */
  static final ProgressListener NONE_QUIET = ProgressListener.NONE;
  private final String label;
  private final PrintStream err = System.err;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(String label) {
    this.label = label;
  }

  @Override
  public synchronized void progress(String phase, long done, long total) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
    int pct = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    err.printf("\r%-14s %-6s [%s%s] %3d%%", label, phase, "#".repeat(filled), " ".repeat(WIDTH - filled), pct);
    err.flush();
    drawn = true;
  }

  synchronized void done() {
    if (drawn) {
      err.println();
    }
  }
}
