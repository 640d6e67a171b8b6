package io.quiver.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
    long nanos = 0;
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        long[] ticks = statTicks(t.resolve("stat"), "C[12] CompilerThre.*");
        if (ticks != null) {
          nanos += ticks[0] + ticks[1];
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return nanos;
  }

  /**
   * Kernel (system) CPU nanoseconds process {@code pid} has used so far, all its threads ({@code /proc/<pid>/stat};
   * Linux), 0 where that cannot be read. Writing files costs mostly kernel time: the copy into the page cache.
   */
  static long kernelNanos(long pid) {
    long[] ticks = statTicks(Path.of("/proc/" + pid + "/stat"), null);
    return ticks == null ? 0 : ticks[1];
  }

  /**
   * {user, system} CPU nanoseconds from a {@code /proc/.../stat} file whose command name matches {@code name} (any
   * when null); null when it does not match or cannot be read (a thread that ended meanwhile).
   */
  private static long[] statTicks(Path stat, String name) {
    try {
      String s = Files.readString(stat);
      int open = s.indexOf('(');
      int close = s.lastIndexOf(')');
      if (open < 0 || close < 0 || (name != null && !s.substring(open + 1, close).matches(name))) {
        return null;
      }
      String[] f = s.substring(close + 2).split(" ");
      long tick = 10_000_000L; // USER_HZ = 100
      return new long[] {Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick}; // utime, stime (fields 14, 15)
    } catch (IOException | RuntimeException e) {
      return null;
    }
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

  /**
   * Waits until this JVM's JIT compiler threads used less than 1% of a CPU over the last second (sampled every 250
   * ms; with the kernel's 10 ms ticks: none), at most {@code timeout}.
   */
  static void awaitCompilerQuiet(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ArrayDeque<long[]> samples = new ArrayDeque<>(); // {nano time, compiler CPU nanos}
    while (true) {
      long now = System.nanoTime();
      samples.addLast(new long[] {now, compilerNanos()});
      while (now - samples.peekFirst()[0] > TimeUnit.SECONDS.toNanos(1)) {
        samples.removeFirst();
      }
      long[] first = samples.peekFirst();
      long[] last = samples.peekLast();
      if (last[0] - first[0] >= TimeUnit.MILLISECONDS.toNanos(750)
          && (last[1] - first[1]) * 100 < last[0] - first[0]) {
        return;
      }
      if (now > deadline) {
        Progress.say("  (the JIT compiler did not go quiet within %s; going on)", timeout);
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // a sampling period, not a wait for an event
    }
  }
}
