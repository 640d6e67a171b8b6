package io.quiver.examples.bench;

import java.lang.management.ManagementFactory;
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

  /** The groups' CPU milliseconds since {@code before}, largest first, the top ten. */
  static Map<String, Long> since(Map<String, Long> before) {
    Map<String, Long> delta = new HashMap<>();
    byGroup().forEach((g, cpu) -> delta.put(g, (cpu - before.getOrDefault(g, 0L)) / 1_000_000));
    Map<String, Long> top = new LinkedHashMap<>();
    delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }
}
