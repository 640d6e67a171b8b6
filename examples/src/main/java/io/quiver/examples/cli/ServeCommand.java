package io.quiver.examples.cli;

import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.server.ServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver serve --config node.properties}: runs one serving node (query node + Milvus API proxy + coordinator
 * candidate) until stopped (SIGTERM/SIGINT shut it down gracefully).
 *
 * <p>Keys: {@code node.id}, {@code zookeeper}, {@code zookeeper.namespace} (quiver), {@code kafka.bootstrap},
 * {@code warehouse}, {@code host} (127.0.0.1), {@code port} (19530), {@code metrics.port} (9091, -1 = off),
 * {@code cache.dir}, {@code cache.bytes} (10 GiB), {@code replicas} (1), {@code default.shards} (2),
 * {@code session.timeout.ms} (10000), {@code request.timeout.ms} (10000), {@code auth.token}, {@code tls.cert},
 * {@code tls.key}, {@code consistency.bounded.staleness.ms} (5000); every {@code hadoop.<key>} becomes Hadoop property {@code <key>} (e.g.
 * {@code hadoop.fs.s3a.endpoint}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run a Quiver serving node speaking the Milvus API (config: a properties file).")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "Properties file with the node's settings.")
  Path config;

  @Override
  public Integer call() throws Exception {
    ServerConfig c = parse(config);
    QuiverServer server = QuiverServer.start(c);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      done.countDown();
    }, "quiver-shutdown"));
    System.out.println("quiver: node " + c.nodeId() + " serves the Milvus API on " + server.address()
        + (server.metricsPort() > 0 ? ", metrics on http://" + c.host() + ":" + server.metricsPort() + "/metrics" : ""));
    done.await();
    return 0;
  }

  static ServerConfig parse(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<String, String> hadoop = new HashMap<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("hadoop.")) {
        hadoop.put(k.substring("hadoop.".length()), p.getProperty(k));
      }
    }
    String id = require(p, "node.id", file);
    String tlsCert = p.getProperty("tls.cert");
    String tlsKey = p.getProperty("tls.key");
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("Invalid " + file + ": tls.cert and tls.key go together");
    }
    return new ServerConfig(id, require(p, "zookeeper", file), p.getProperty("zookeeper.namespace", "quiver"),
        require(p, "kafka.bootstrap", file), require(p, "warehouse", file), hadoop, p.getProperty("host", "127.0.0.1"),
        intOf(p, "port", 19530, file), intOf(p, "metrics.port", 9091, file),
        Path.of(p.getProperty("cache.dir", System.getProperty("java.io.tmpdir") + "/quiver-cache-" + id)),
        Long.parseLong(p.getProperty("cache.bytes", Long.toString(10L << 30))), intOf(p, "replicas", 1, file),
        intOf(p, "default.shards", 2, file), intOf(p, "session.timeout.ms", 10_000, file),
        intOf(p, "request.timeout.ms", 10_000, file), p.getProperty("auth.token"),
        tlsCert == null ? null : Path.of(tlsCert), tlsKey == null ? null : Path.of(tlsKey),
        Long.parseLong(p.getProperty("consistency.bounded.staleness.ms",
            Long.toString(io.quiver.serving.proxy.Consistency.DEFAULT_BOUNDED_STALENESS_MS))));
  }

  private static String require(Properties p, String key, Path file) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("Invalid " + file + ": '" + key + "' is required");
    }
    return v.trim();
  }

  private static int intOf(Properties p, String key, int dflt, Path file) {
    String v = p.getProperty(key);
    try {
      return v == null ? dflt : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid " + file + ": '" + key + "' must be an integer, got '" + v + "'");
    }
  }
}
