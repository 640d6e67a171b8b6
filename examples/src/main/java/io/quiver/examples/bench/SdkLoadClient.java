package io.quiver.examples.bench;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The serve bench's Milvus SDK client in a JVM of its own, as every real client is: the node's JVM then holds only
 * the node (its heap, its GC, its JIT), not also the SDK's shaded copy of gRPC and Netty, whose class checks against
 * the server's copy kept the JIT recompiling for as long as both ran in one process.
 *
 * <p>Line protocol on the child's stdin and stdout: {@code ready} once connected; {@code closed <seconds>} answers
 * {@code <qps> <cpu ns> <calls> <jit ns>} (the child's own process and compiler CPU); {@code open <rate> <seconds>}
 * answers {@code <p50 µs> <p99 µs> <max µs> <gc collections> <gc ms> <start-late p50 µs> <start-late p99 µs>
 * <cpu ns> <jit ns> <latencies>} (the child's GC, how late after their scheduled times its calls began, the child's
 * CPU and its JIT compiler's during the loop, and every call's latency as an {@link #encode encoded} histogram);
 * {@code quit} ends it. Its progress and errors go to the bench's stderr.
 */
final class SdkLoadClient {
  private SdkLoadClient() {}

  /** Child: {@code <uri> <collection> <dim> <ef> <threads>}. */
  public static void main(String[] args) throws Exception {
    ChildJvm.exitWithParent();
    String collection = args[1];
    int dim = Integer.parseInt(args[2]);
    int ef = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    PrintStream out = System.out;
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(args[0]).rpcDeadlineMs(60_000).build());
    try {
      List<float[]> queries = ServeBench.queries(dim);
      IntConsumer op = i -> ServeBench.search(client, collection, queries.get(i % queries.size()),
          ConsistencyLevel.BOUNDED, 10, ef);
      out.println("ready");
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] c = line.split(" ");
        switch (c[0]) {
          case "closed" -> {
            long jit0 = ThreadCpu.compilerNanos();
            double[] r = LoadLoops.closedLoop(op, threads, Integer.parseInt(c[1]));
            out.printf(Locale.ROOT, "%f %d %d %d%n", r[0], (long) r[1], (long) r[2], ThreadCpu.compilerNanos() - jit0);
          }
          case "open" -> {
            Histogram h = new Histogram(3);
            Histogram late = new Histogram(3);
            long[] gc0 = LoadLoops.gc();
            long cpu0 = ThreadCpu.processNanos();
            long jit0 = ThreadCpu.compilerNanos();
            LoadLoops.openLoop(op, Double.parseDouble(c[1]), Integer.parseInt(c[2]), threads * 2, h, late);
            long[] gc1 = LoadLoops.gc();
            out.printf(Locale.ROOT, "%d %d %d %d %d %d %d %d %d %s%n", h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getMaxValue(), gc1[0] - gc0[0], gc1[1] - gc0[1],
                late.getValueAtPercentile(50), late.getValueAtPercentile(99), ThreadCpu.processNanos() - cpu0,
                ThreadCpu.compilerNanos() - jit0, encode(h));
          }
          case "quit" -> {
            return;
          }
          default -> throw new IllegalArgumentException("Unknown command: " + line);
        }
        out.flush();
      }
    } finally {
      client.close();
    }
  }

  /** A histogram as one line: HdrHistogram's compressed form in base64. */
  static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
  }

  static Histogram decode(String line) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(line)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("Not an encoded histogram: " + e.getMessage(), e);
    }
  }

  /**
   * An open loop's answer: {p50 µs, p99 µs, max µs, the client's GC collections, its GC ms, p50 and p99 µs from a
   * call's scheduled time to its start (the client's own share), the client's CPU ns and its JIT compiler's ns}, and
   * every call's latency (µs).
   */
  record Open(double[] numbers, Histogram latencies) {}

  /** The bench's side: starts the child with this JVM's flags (not its heap or profiling) and talks to it. */
  static final class Handle implements AutoCloseable {
    private final Process process;
    private final BufferedReader from;
    private final PrintWriter to;

    private Handle(Process process) {
      this.process = process;
      this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts the client JVM, its command line behind {@code prefix} (e.g. taskset's, see {@link CpuSplit}). */
    static Handle start(List<String> prefix, String uri, String collection, int dim, int ef, int threads, Path logDir)
        throws IOException {
      List<String> cmd = ChildJvm.command(prefix, "1g", logDir, SdkLoadClient.class, List.of(uri, collection,
          Integer.toString(dim), Integer.toString(ef), Integer.toString(threads)));
      Handle h = new Handle(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
      h.expect("ready");
      return h;
    }

    /** A closed loop of the child's threads: {qps, child CPU ns, calls, child JIT ns}. */
    double[] closed(int seconds) throws IOException {
      return numbers("closed " + seconds);
    }

    /** An open loop at {@code rate} for {@code seconds}. */
    Open open(double rate, int seconds) throws IOException {
      to.println(String.format(Locale.ROOT, "open %.3f %d", rate, seconds));
      String[] f = expect(null).trim().split(" ");
      return new Open(parse(Arrays.copyOf(f, f.length - 1)), decode(f[f.length - 1]));
    }

    private double[] numbers(String command) throws IOException {
      to.println(command);
      return parse(expect(null).trim().split(" "));
    }

    private static double[] parse(String[] f) {
      double[] out = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        out[i] = Double.parseDouble(f[i]);
      }
      return out;
    }

    /** The child's next line (which must be {@code expected} when given); fails when the child has ended. */
    private String expect(String expected) throws IOException {
      String line = from.readLine();
      if (line == null || (expected != null && !expected.equals(line))) {
        throw new IOException("The SDK client process answered " + line + (expected == null ? "" : " instead of "
            + expected) + (process.isAlive() ? "" : " and ended with status " + process.exitValue()));
      }
      return line;
    }

    @Override
    public void close() throws InterruptedException {
      to.println("quit");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
