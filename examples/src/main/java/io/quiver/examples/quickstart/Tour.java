package io.quiver.examples.quickstart;

import java.io.PrintStream;
import java.util.Locale;

/** The quickstart's console: numbered steps, timings, a progress bar. Logs go to the log file, not here. */
final class Tour {
  private final PrintStream out;
  private int step;
  private long stepStart;

  Tour(PrintStream out) {
    this.out = out;
  }

  void step(String what) {
    step++;
    stepStart = System.nanoTime();
    out.printf(Locale.ROOT, "%n[%d] %s%n", step, what);
  }

  void say(String format, Object... args) {
    out.printf(Locale.ROOT, "    " + format + "%n", args);
  }

  void done() {
    out.printf(Locale.ROOT, "    done in %.1f s%n", (System.nanoTime() - stepStart) / 1e9);
  }

  void progress(String label, long done, long total) {
    int width = 30;
    int filled = (int) (width * done / Math.max(1, total));
    out.printf(Locale.ROOT, "\r    [%s%s] %3d%%  %s", "#".repeat(filled), ".".repeat(width - filled),
        100 * done / Math.max(1, total), label);
    if (done >= total) {
      out.println();
    }
    out.flush();
  }
}
