package io.quiver.serving.server;

import io.quiver.serving.proxy.Consistency;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The serving node's entry point: {@code ServingMain --config node.properties} runs one node (query node + Milvus
 * API proxy + coordinator candidate) until SIGTERM/SIGINT, which shut it down gracefully. The serving distribution's
 * {@code bin/quiver-serving} and {@code bin/quiver serve} both end up here.
 *
 * <p>Keys: {@code node.id}, {@code zookeeper}, {@code zookeeper.namespace} (quiver), {@code kafka.bootstrap},
 * {@code warehouse}, {@code host} (127.0.0.1), {@code port} (19530), {@code metrics.port} (9091, -1 = off),
 * {@code cache.dir}, {@code cache.bytes} (10 GiB), {@code replicas} (1), {@code default.shards} (2),
 * {@code session.timeout.ms} (10000), {@code request.timeout.ms} (10000), {@code auth.token}, {@code tls.cert},
 * {@code tls.key}, {@code consistency.bounded.staleness.ms} (5000); every {@code hadoop.<key>} becomes Hadoop property {@code <key>} (e.g.
 * {@code hadoop.fs.s3a.endpoint}).
 */
public final class ServingMain {
  private ServingMain() {}

  /** Runs a node from {@code --config <file>}; a bad configuration exits with status 2 and one line naming it. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("Usage: quiver-serving --config <node.properties>");
      return;
    }
    if (args.length != 2 || !args[0].equals("--config")) {
      System.err.println("quiver-serving: expected '--config <node.properties>', got " + String.join(" ", args));
      System.exit(2);
    }
    ServerConfig config;
    try {
      config = parse(Path.of(args[1]));
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("quiver-serving: " + e.getMessage());
      System.exit(2);
      return;
    }
    serve(config);
  }

  /** Starts the node, prints where it listens and blocks until the JVM is asked to stop. */
  public static void serve(ServerConfig config) throws InterruptedException {
    QuiverServer server = QuiverServer.start(config);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      done.countDown();
    }, "quiver-shutdown"));
    System.out.println("quiver: node " + config.nodeId() + " serves the Milvus API on " + server.address()
        + (server.metricsPort() > 0
            ? ", metrics on http://" + config.host() + ":" + server.metricsPort() + "/metrics" : ""));
    done.await();
  }

  /** Reads a node's properties file (keys: see the class comment). */
  public static ServerConfig parse(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<String, String> hadoop = new HashMap<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("hadoop.")) {
        hadoop.put(k.substring("hadoop.".length()), p.getProperty(k).trim());
      }
    }
    String id = require(p, "node.id", file);
    String tlsCert = p.getProperty("tls.cert");
    String tlsKey = p.getProperty("tls.key");
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("Invalid " + file + ": tls.cert and tls.key go together");
    }
    String cacheDir = p.getProperty("cache.dir", System.getProperty("java.io.tmpdir") + "/quiver-cache-" + id);
    return new ServerConfig(id, require(p, "zookeeper", file), p.getProperty("zookeeper.namespace", "quiver").trim(),
        require(p, "kafka.bootstrap", file), require(p, "warehouse", file), hadoop,
        p.getProperty("host", "127.0.0.1").trim(), intOf(p, "port", 19530, file), intOf(p, "metrics.port", 9091, file),
        Path.of(cacheDir.trim()), longOf(p, "cache.bytes", 10L << 30, file), intOf(p, "replicas", 1, file),
        intOf(p, "default.shards", 2, file), intOf(p, "session.timeout.ms", 10_000, file),
        longOf(p, "request.timeout.ms", 10_000, file), p.getProperty("auth.token"),
        tlsCert == null ? null : Path.of(tlsCert.trim()), tlsKey == null ? null : Path.of(tlsKey.trim()),
        longOf(p, "consistency.bounded.staleness.ms", Consistency.DEFAULT_BOUNDED_STALENESS_MS, file));
  }

  private static String require(Properties p, String key, Path file) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("Invalid " + file + ": '" + key + "' is required");
    }
    return v.trim();
  }

  private static int intOf(Properties p, String key, int dflt, Path file) {
    long v = longOf(p, key, dflt, file);
    if (v != (int) v) {
      throw new IllegalArgumentException("Invalid " + file + ": '" + key + "' is out of range, got '" + v + "'");
    }
    return (int) v;
  }

  private static long longOf(Properties p, String key, long dflt, Path file) {
    String v = p.getProperty(key);
    try {
      return v == null ? dflt : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid " + file + ": '" + key + "' must be an integer, got '" + v + "'");
    }
  }
}
