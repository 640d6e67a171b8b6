package io.quiver.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time of the process's threads grouped by name (digits dropped), to see which part of a phase burns CPU. */
final class ThreadCpu {
  private ThreadCpu() {}

  static Map<String, Long> byGroup() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        out.merge(info.getThreadName().replaceAll("[0-9]+", "N"), cpu, Long::sum);
      }
    }
    return out;
  }

  /**
   * CPU nanoseconds the JIT compiler threads have used so far (Linux: {@code /proc/self/task/<tid>/stat}; the JVM's
   * own counters hide these threads or give elapsed compile time), 0 where that cannot be read.
   */
  static long compilerNanos() {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (open < 0 || close < 0 || !stat.substring(open + 1, close).matches("C[12] CompilerThre.*")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * 10_000_000L; // USER_HZ = 100
  }

  /**
   * CPU time of this whole process, all its threads (JVM threads included): the cost figure that the shared machine's
   * load does not skew.
   */
  static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Nanoseconds of all the groups of a {@link #byGroup()} snapshot together. */
  static long total(Map<String, Long> groups) {
    return groups.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The groups' CPU milliseconds since {@code before}, largest first, the top ten. */
  static Map<String, Long> since(Map<String, Long> before) {
    return since(before, byGroup());
  }

  /** The groups' CPU milliseconds from snapshot {@code before} to {@code after}, largest first, the top ten. */
  static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new HashMap<>();
    after.forEach((g, cpu) -> delta.put(g, (cpu - before.getOrDefault(g, 0L)) / 1_000_000));
    Map<String, Long> top = new LinkedHashMap<>();
    delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }
}
