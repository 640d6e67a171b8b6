package io.quiver.examples.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a bench's helper JVM (the SDK load client, the embedded servers): this JVM's java and flags,
 * without its heap or profiling options or a serving node's JIT scheduling, its class path, a heap and a log directory
 * of its own.
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * In a helper JVM: exits as soon as the process that started it has ended, whatever the helper is doing then (a
   * bench killed mid-run must not leave its load client running on).
   */
  static void exitWithParent() {
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(1)));
  }

  /** {@code prefix} (e.g. taskset's, see {@link CpuSplit}), then java running {@code main} with {@code args}. */
  static List<String> command(List<String> prefix, String maxHeap, Path logDir, Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      boolean heapOrProfiling = a.startsWith("-Xms") || a.startsWith("-Xmx") || a.equals("-XX:+AlwaysPreTouch")
          || a.startsWith("-XX:StartFlightRecording") || a.startsWith("-Xlog") || a.startsWith("-agent")
          || a.startsWith("-javaagent") || a.startsWith("-Dquiver.log.dir");
      // the serving node's scheduling of its JIT (bin/quiver's serving flags): a helper is a client or a broker
      boolean nodeOnly = a.startsWith("-XX:ThreadPriorityPolicy") || a.startsWith("-XX:CompilerThreadPriority");
      if (!heapOrProfiling && !nodeOnly) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx" + maxHeap, "-Dquiver.log.dir=" + logDir, "-cp", System.getProperty("java.class.path"),
        main.getName()));
    cmd.addAll(args);
    return cmd;
  }
}
