package io.quiver.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.annotation.Nullable;

/**
 * Keeps a load generator off the CPUs of what it measures (Linux {@code taskset}): this process (the node and the
 * in-process engine) runs on {@link #node}, the load client's process (and the servers' process, see
 * {@link ServersProcess}) on {@link #client}. A generator sharing the measured CPUs steals their time and starts its
 * own calls late whenever the node keeps them busy, so its tail is the machine's scheduling as much as the node's (on
 * 2 shared cores the in-process loop's own start delay alone was 7-15 ms at p99).
 *
 * @param node the CPUs of this process, as taskset lists them ("0" or "0-2,5")
 * @param client the CPUs of the load client
 */
record CpuSplit(String node, String client) {
  /**
   * The split {@code spec} asks for among {@code allowed} CPUs: {@code none} (null), {@code auto} (the last CPU for
   * the client, the rest for the node; null with fewer than 2), or the client's CPUs as a list ("3", "6-7").
   */
  @Nullable
  static CpuSplit of(String spec, List<Integer> allowed) {
    if (spec.equals("none") || (spec.equals("auto") && allowed.size() < 2)) {
      return null;
    }
    TreeSet<Integer> client = new TreeSet<>(spec.equals("auto") ? List.of(allowed.get(allowed.size() - 1))
        : parse(spec));
    if (!allowed.containsAll(client)) {
      throw new IllegalArgumentException("--client-cpus " + spec + ": this process may only use CPUs "
          + format(allowed));
    }
    List<Integer> node = new ArrayList<>(allowed);
    node.removeAll(client);
    if (node.isEmpty()) {
      throw new IllegalArgumentException("--client-cpus " + spec + " leaves no CPU for the node (allowed: "
          + format(allowed) + ")");
    }
    return new CpuSplit(format(node), format(new ArrayList<>(client)));
  }

  /** The CPUs in a list such as {@code 0-3,6}. */
  static List<Integer> parse(String list) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String part : list.trim().split(",")) {
      String[] range = part.trim().split("-");
      try {
        int from = Integer.parseInt(range[0].trim());
        int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
        if (range.length > 2 || from < 0 || to < from) {
          throw new NumberFormatException();
        }
        for (int c = from; c <= to; c++) {
          out.add(c);
        }
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("'" + list + "' is no CPU list (expected e.g. 1 or 0-2,5)");
      }
    }
    return new ArrayList<>(out);
  }

  static String format(List<Integer> cpus) {
    return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** The CPUs this process may run on (Linux: its status file), or empty where that is unknown. */
  static List<Integer> allowed() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return parse(line.substring(line.indexOf(':') + 1));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // not Linux, or unreadable: no split
    }
    return List.of();
  }

  /** Pins every thread of this process (and the threads they start later) to {@link #node}. */
  void pinThisProcess() throws IOException, InterruptedException {
    pin(ProcessHandle.current().pid(), node);
  }

  /** Lets every thread of this process run on all of {@link #node} and {@link #client} again. */
  void unpinThisProcess() throws IOException, InterruptedException {
    unpin(ProcessHandle.current().pid());
  }

  /** Pins every thread of process {@code pid} (one this process started) to {@link #client}. */
  void pinToClient(long pid) throws IOException, InterruptedException {
    pin(pid, client);
  }

  /** Lets every thread of process {@code pid} run on all of {@link #node} and {@link #client} again. */
  void unpin(long pid) throws IOException, InterruptedException {
    pin(pid, node + "," + client);
  }

  private static void pin(long pid, String cpus) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroy();
      throw new IOException("taskset could not pin process " + pid + " to CPUs " + cpus + ": " + output.trim());
    }
  }

  /** The command prefix that starts the client on {@link #client}. */
  List<String> clientPrefix() {
    return List.of("taskset", "-c", client);
  }
}
