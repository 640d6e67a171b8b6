package io.quiver.examples.bench;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedZooKeeper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benches' ZooKeeper and Kafka broker in a JVM of their own, where a serving node or a Flink task manager finds
 * them in production: outside its process. Inside the node's JVM their threads (the broker's network and request
 * threads, its purgatory reaper, ZooKeeper's) took turns on the node's CPU and each turn landed in some search's
 * latency; now they run where {@link CpuSplit} puts the load client. Inside the ingestion bench's JVM the broker shared
 * Kafka's network code with the job's consumers, and the JIT kept recompiling it for both (C2 compiled {@code
 * Selector.pollSelectionKeys} four times in one run, once for 0.7 s inside the measured job).
 *
 * <p>Line protocol: the child prints {@code ready <zookeeper connect string> <bootstrap servers>} once both answer,
 * and stops them when its stdin reads {@code quit} or ends (so it never outlives the bench).
 */
final class ServersProcess {
  private ServersProcess() {}

  /** Child: no arguments. */
  public static void main(String[] args) throws IOException {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(); EmbeddedKafka kafka = EmbeddedKafka.start()) {
      System.out.println("ready " + zk.connectString() + " " + kafka.bootstrapServers());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
        // nothing else is asked of it
      }
    }
  }

  /** The bench's side: starts the child and stops it on {@link #close}. */
  static final class Handle implements AutoCloseable {
    private final Process process;
    private final String zookeeper;
    private final String bootstrap;

    private Handle(Process process, String zookeeper, String bootstrap) {
      this.process = process;
      this.zookeeper = zookeeper;
      this.bootstrap = bootstrap;
    }

    static Handle start(Path logDir) throws IOException {
      Process p = new ProcessBuilder(ChildJvm.command(List.of(), "1g", logDir, ServersProcess.class, List.of()))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
      String[] f = line == null ? new String[0] : line.split(" ");
      if (f.length != 3 || !f[0].equals("ready")) {
        p.destroyForcibly();
        throw new IOException("The ZooKeeper and Kafka process answered " + line + " instead of ready <zk> <kafka>");
      }
      return new Handle(p, f[1], f[2]);
    }

    String zookeeper() {
      return zookeeper;
    }

    String bootstrap() {
      return bootstrap;
    }

    long pid() {
      return process.pid();
    }

    /** CPU time the process has used so far (all its threads), 0 where the OS does not tell. */
    long cpuNanos() {
      return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    @Override
    public void close() throws InterruptedException {
      try {
        process.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
      } catch (IOException e) {
        // it has ended already
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
