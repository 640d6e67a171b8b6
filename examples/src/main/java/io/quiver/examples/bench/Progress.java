package io.quiver.examples.bench;

import java.util.Locale;

/** Progress on stderr, so stdout keeps only the runner's final JSON line. */
final class Progress {
  private Progress() {}

  static void say(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }

  /** A one-line bar redrawn in place: {@code [#####.....] 50%  label}. */
  static void bar(String label, long done, long total) {
    int width = 30;
    int filled = total <= 0 ? width : (int) (width * done / total);
    String bar = "#".repeat(filled) + ".".repeat(width - filled);
    System.err.printf(Locale.ROOT, "\r[%s] %3d%%  %s", bar, total <= 0 ? 100 : 100 * done / total, label);
    if (done >= total) {
      System.err.println();
    }
    System.err.flush();
  }
}
