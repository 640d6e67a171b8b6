package io.quiver.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * {@code bench ingest}'s baseline: a plain Kafka consumer reading the same records as the job, in a JVM of its own.
 * In the job's JVM the raw reads shared Kafka's consumer code with the job's fetchers, with other settings (Kafka's
 * default {@code read_uncommitted}: it reads the backlog's transaction while still open), and the JIT threw away the
 * job's compiled fetch path for them ({@code unstable_if}, {@code class_check}) and compiled it again inside the
 * measured window, one run in three.
 *
 * <p>Line protocol: the child reads to warm up (see {@link #main}), prints {@code measuring}, reads {@code reads} times printing
 * {@code read <seconds> <records> <bytes>} each, then {@code done <CPU ns> <kernel CPU ns>} of its own over those reads,
 * and exits.
 */
final class RawReadProcess {
  /** At most this many warm-up reads. */
  static final int WARMUP_READS = 6;

  private RawReadProcess() {}

  /** Child: bootstrap, topic, start offsets ({@code partition:offset,...}), records per read, reads. */
  public static void main(String[] args) {
    ChildJvm.exitWithParent();
    String bootstrap = args[0];
    String topic = args[1];
    Map<TopicPartition, Long> starts = new java.util.HashMap<>();
    for (String s : args[2].split(",")) {
      String[] po = s.split(":");
      starts.put(new TopicPartition(topic, Integer.parseInt(po[0])), Long.parseLong(po[1]));
    }
    int expected = Integer.parseInt(args[3]);
    int reads = Integer.parseInt(args[4]);
    // Warm-up reads until the JIT compiler used under 1% of a read's time during one (at most WARMUP_READS): the first
    // read of a fresh JVM ran at a fifth of the later ones' rate, and one warm-up read left the measured ones ~10%
    // slower than reads in a JVM that had read for a while.
    for (int i = 0; i < WARMUP_READS; i++) {
      long jit0 = ThreadCpu.compilerNanos();
      long nanos = read(bootstrap, starts, expected)[0];
      if ((ThreadCpu.compilerNanos() - jit0) * 100 < nanos) {
        break;
      }
    }
    System.out.println("measuring");
    System.out.flush();
    long pid = ProcessHandle.current().pid();
    long cpu0 = ThreadCpu.processNanos();
    long kernel0 = ThreadCpu.kernelNanos(pid);
    for (int i = 0; i < reads; i++) {
      long[] r = read(bootstrap, starts, expected);
      System.out.printf(Locale.ROOT, "read %.6f %d %d%n", r[0] / 1e9, r[1], r[2]);
      System.out.flush();
    }
    System.out.println("done " + (ThreadCpu.processNanos() - cpu0) + " " + (ThreadCpu.kernelNanos(pid) - kernel0));
    System.out.flush();
  }

  /**
   * {nanoseconds, records, value bytes} of one read of {@code expected} records from {@code starts} (values touched
   * as {@link ByteBuffer}s, as the job's fetcher takes them; not decoded).
   */
  private static long[] read(String bootstrap, Map<TopicPartition, Long> starts, int expected) {
    try (KafkaConsumer<ByteBuffer, ByteBuffer> c = new KafkaConsumer<>(consumerProperties(bootstrap),
        new ByteBufferDeserializer(), new ByteBufferDeserializer())) {
      c.assign(starts.keySet());
      starts.forEach(c::seek);
      long start = System.nanoTime();
      long n = 0;
      long bytes = 0;
      long deadline = start + TimeUnit.MINUTES.toNanos(10);
      while (n < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Raw consumer read only " + n + " of " + expected + " records in 10 min");
        }
        for (ConsumerRecord<ByteBuffer, ByteBuffer> r : c.poll(Duration.ofMillis(500))) {
          n++;
          bytes += r.value().remaining();
        }
      }
      return new long[] {System.nanoTime() - start, n, bytes};
    }
  }

  /**
   * The raw reader's consumer settings, the bench's own consumers' too: Kafka's default isolation ({@code
   * read_uncommitted}), big fetches and polls.
   */
  static Map<String, Object> consumerProperties(String bootstrap) {
    return Map.of("bootstrap.servers", bootstrap, "max.poll.records", 5000, "fetch.max.bytes", 64 << 20,
        "max.partition.fetch.bytes", 16 << 20);
  }

  /**
   * The reads' rows/s, and CPU per row (µs) of the reader's process and the broker's together over them, all of it
   * and the kernel's part.
   */
  record Result(double[] rates, double cpuUsPerRow, double kernelUsPerRow) {}

  /**
   * Runs the child to the end: warm-up reads until its JIT compiler is quiet (at most {@value #WARMUP_READS}), then
   * {@code reads} measured ones.
   */
  static Result run(ServersProcess.Handle servers, String topic, Map<Integer, Long> starts, int expected, int reads,
      Path logDir) throws IOException, InterruptedException {
    StringBuilder offsets = new StringBuilder();
    starts.forEach((p, o) -> offsets.append(offsets.length() == 0 ? "" : ",").append(p).append(':').append(o));
    List<String> cmd = ChildJvm.command(List.of(), "1g", logDir, RawReadProcess.class, List.of(servers.bootstrap(),
        topic, offsets.toString(), Integer.toString(expected), Integer.toString(reads)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader from = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      expect(from, p, "measuring");
      long broker0 = servers.cpuNanos();
      long brokerKernel0 = ThreadCpu.kernelNanos(servers.pid());
      List<Double> rates = new ArrayList<>();
      while (true) {
        String[] f = expect(from, p, null).split(" ");
        if (f[0].equals("read")) {
          double seconds = Double.parseDouble(f[1]);
          Progress.say("  %,d records, %,.1f MB in %.2f s", Long.parseLong(f[2]), Long.parseLong(f[3]) / 1e6,
              seconds);
          rates.add(Long.parseLong(f[2]) / seconds); // a poll can bring records past the backlog: all count
        } else if (f[0].equals("done")) {
          double rows = (double) expected * reads;
          long cpu = Long.parseLong(f[1]) + servers.cpuNanos() - broker0;
          long kernel = Long.parseLong(f[2]) + ThreadCpu.kernelNanos(servers.pid()) - brokerKernel0;
          return new Result(rates.stream().mapToDouble(Double::doubleValue).toArray(), cpu / 1e3 / rows,
              kernel / 1e3 / rows);
        } else {
          throw new IOException("The raw reader process answered " + String.join(" ", f));
        }
      }
    } finally {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String expect(BufferedReader from, Process p, String expected) throws IOException {
    String line = from.readLine();
    if (line == null || (expected != null && !expected.equals(line))) {
      throw new IOException("The raw reader process answered " + line + (expected == null ? "" : " instead of "
          + expected) + (p.isAlive() ? "" : " and ended with status " + p.exitValue()));
    }
    return line;
  }
}
