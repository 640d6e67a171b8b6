package io.quiver.serving.metrics;

import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prometheus metrics of a serving node: query latency histograms by kind, gRPC call times by method, segment cache
 * hits and misses, tail lag per shard; served on {@code /metrics} by {@link #serve}. Registered once per JVM (several
 * nodes in one test JVM share them, distinguished by the {@code node} label where it matters).
 */
public final class ServingMetrics {
  private static final Histogram LATENCY = Histogram.builder().name("quiver_query_latency_seconds")
      .help("Latency of Milvus API reads at the proxy, by kind").labelNames("kind")
      .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
      .register();
  private static final Histogram CALLS = Histogram.builder().name("quiver_grpc_server_call_seconds")
      .help("Time a gRPC call spends in the node, from its headers arriving on the transport to its stream closing "
          + "(waiting for a thread, decoding, the handler, encoding, writing), by method")
      .labelNames("method")
      .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
      .register();
  private static final Counter WRITES = Counter.builder().name("quiver_writes_total")
      .help("Rows written to the WAL through the Milvus API, by operation").labelNames("op").register();

  private ServingMetrics() {}

  public static void observeQuery(String kind, long startNanos) {
    LATENCY.labelValues(kind).observe((System.nanoTime() - startNanos) / 1e9);
  }

  /**
   * Times every call of a gRPC server into {@code quiver_grpc_server_call_seconds}: created when a call's headers
   * arrive (on the transport's thread), observed when its stream closes. Against the handlers' own latency
   * ({@code quiver_query_latency_seconds}) it shows what the call spent around them in the node.
   */
  public static ServerStreamTracer.Factory callTracer() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        long start = System.nanoTime();
        String method = fullMethodName.substring(fullMethodName.lastIndexOf('.') + 1); // Service/Method
        return new ServerStreamTracer() {
          @Override
          public void streamClosed(io.grpc.Status status) {
            CALLS.labelValues(method).observe((System.nanoTime() - start) / 1e9);
          }
        };
      }
    };
  }

  public static void countWrites(String op, long rows) {
    WRITES.labelValues(op).inc(rows);
  }

  private record NodeGauges(Supplier<Double> cacheHitRatio, Supplier<Long> cacheBytes,
      Supplier<Map<String, Long>> lag) {}

  private static final Map<String, NodeGauges> NODES = new java.util.concurrent.ConcurrentHashMap<>();

  static {
    GaugeWithCallback.builder().name("quiver_cache_hit_ratio").help("Segment cache hit ratio per node")
        .labelNames("node").callback(cb -> NODES.forEach((n, g) -> cb.call(g.cacheHitRatio().get(), n))).register();
    GaugeWithCallback.builder().name("quiver_cache_bytes").help("Bytes in the segment cache per node")
        .labelNames("node").callback(cb -> NODES.forEach((n, g) -> cb.call(g.cacheBytes().get(), n))).register();
    GaugeWithCallback.builder().name("quiver_tail_lag_offsets")
        .help("WAL offsets not yet read by the tail, per node and collection/shard").labelNames("node", "shard")
        .callback(cb -> NODES.forEach((n, g) -> g.lag().get().forEach((k, v) -> cb.call(v, n, k)))).register();
  }

  /**
   * Adds a node's gauges (cache hit ratio and bytes, tail lag per shard), backed by suppliers; several nodes in one
   * JVM (tests, the quickstart) are told apart by the {@code node} label.
   *
   * @param lag collection/shard → offsets not yet read by the tail
   */
  public static void registerNode(String node, Supplier<Double> cacheHitRatio, Supplier<Long> cacheBytes,
      Supplier<Map<String, Long>> lag) {
    NODES.put(node, new NodeGauges(cacheHitRatio, cacheBytes, lag));
  }

  public static void unregisterNode(String node) {
    NODES.remove(node);
  }

  /** Serves {@code /metrics} on 127.0.0.1:{@code port} (0 = a free port); close the server to stop. */
  public static HTTPServer serve(int port) {
    try {
      return HTTPServer.builder().hostname("127.0.0.1").port(port).registry(PrometheusRegistry.defaultRegistry)
          .buildAndStart();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the metrics endpoint on port " + port, e);
    }
  }
}
