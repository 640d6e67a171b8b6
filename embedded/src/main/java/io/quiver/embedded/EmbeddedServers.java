package io.quiver.embedded;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any subset of {@link EmbeddedZooKeeper}, {@link EmbeddedS3} and {@link EmbeddedKafka}, started in that order by
 * {@link Builder#start()} and closed in reverse order by {@link #close()}, which never throws.
 *
 * <pre>{@code
 * try (EmbeddedServers servers = EmbeddedServers.builder().kafka().s3().start()) {
 *   servers.kafka().createTopic("wal", 4);
 * }
 * }</pre>
 */
public final class EmbeddedServers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);

  private final EmbeddedZooKeeper zookeeper;
  private final EmbeddedS3 s3;
  private final EmbeddedKafka kafka;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedServers(EmbeddedZooKeeper zookeeper, EmbeddedS3 s3, EmbeddedKafka kafka) {
    this.zookeeper = zookeeper;
    this.s3 = s3;
    this.kafka = kafka;
  }

  /** A builder that starts nothing until asked for servers. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The Kafka broker.
   *
   * @throws IllegalStateException if Kafka was not selected
   */
  public EmbeddedKafka kafka() {
    return require(kafka, "Kafka", "kafka");
  }

  /**
   * The ZooKeeper server.
   *
   * @throws IllegalStateException if ZooKeeper was not selected
   */
  public EmbeddedZooKeeper zookeeper() {
    return require(zookeeper, "ZooKeeper", "zookeeper");
  }

  /**
   * The S3 endpoint.
   *
   * @throws IllegalStateException if S3 was not selected
   */
  public EmbeddedS3 s3() {
    return require(s3, "S3", "s3");
  }

  private static <T> T require(T server, String name, String option) {
    if (server == null) {
      throw new IllegalStateException(String.format("Embedded %s was not started: select it with "
          + "EmbeddedServers.builder().%s() or @QuiverServers(%s = true)", name, option, option));
    }
    return server;
  }

  /** Closes Kafka, then S3, then ZooKeeper; logs failures and never throws. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Deque<AutoCloseable> started = new ArrayDeque<>();
    for (AutoCloseable server : new AutoCloseable[] {zookeeper, s3, kafka}) {
      if (server != null) {
        started.push(server);
      }
    }
    closeAll(started);
  }

  private static void closeAll(Deque<AutoCloseable> startedLastFirst) {
    while (!startedLastFirst.isEmpty()) {
      AutoCloseable server = startedLastFirst.pop();
      try {
        server.close();
      } catch (Exception | LinkageError e) {
        LOG.warn("Cannot close {}", server, e);
      }
    }
  }

  @Override
  public String toString() {
    StringJoiner joiner = new StringJoiner(", ", "EmbeddedServers[", "]");
    for (Object server : new Object[] {zookeeper, s3, kafka}) {
      if (server != null) {
        joiner.add(server.toString());
      }
    }
    return joiner.toString();
  }

  /** Chooses servers and their few options; {@link #start()} may be called more than once. */
  public static final class Builder {
    private boolean zookeeper;
    private boolean s3;
    private String bucket; // null: a fresh bucket per start
    private boolean kafka;
    private Map<String, String> kafkaOverrides = Map.of();

    private Builder() {}

    /** Selects a Kafka broker with the defaults of {@link EmbeddedKafka#start()}. */
    public Builder kafka() {
      return kafka(Map.of());
    }

    /** Selects a Kafka broker with extra broker properties, see {@link EmbeddedKafka#start(Map)}. */
    public Builder kafka(Map<String, String> brokerOverrides) {
      this.kafka = true;
      this.kafkaOverrides = Map.copyOf(Objects.requireNonNull(brokerOverrides, "brokerOverrides"));
      return this;
    }

    /** Selects a standalone ZooKeeper server. */
    public Builder zookeeper() {
      this.zookeeper = true;
      return this;
    }

    /** Selects S3Proxy with a bucket of its own for every start, see {@link EmbeddedS3#start()}. */
    public Builder s3() {
      this.s3 = true;
      this.bucket = null;
      return this;
    }

    /** Selects S3Proxy with the given bucket. */
    public Builder s3(String bucket) {
      this.s3 = true;
      this.bucket = Objects.requireNonNull(bucket, "bucket");
      return this;
    }

    /**
     * Starts the selected servers: ZooKeeper, then S3, then Kafka. If one fails, those already started are closed
     * before the failure is rethrown.
     *
     * @throws IllegalStateException naming the server that failed to start
     */
    public EmbeddedServers start() {
      Deque<AutoCloseable> started = new ArrayDeque<>();
      Map<String, Long> millis = new LinkedHashMap<>();
      try {
        EmbeddedZooKeeper startedZooKeeper = null;
        EmbeddedS3 startedS3 = null;
        EmbeddedKafka startedKafka = null;
        if (zookeeper) {
          startedZooKeeper = EmbeddedZooKeeper.start();
          started.push(startedZooKeeper);
          millis.put("zookeeper", startedZooKeeper.startupTime().toMillis());
        }
        if (s3) {
          startedS3 = bucket == null ? EmbeddedS3.start() : EmbeddedS3.start(bucket);
          started.push(startedS3);
          millis.put("s3", startedS3.startupTime().toMillis());
        }
        if (kafka) {
          startedKafka = EmbeddedKafka.start(kafkaOverrides);
          started.push(startedKafka);
          millis.put("kafka", startedKafka.startupTime().toMillis());
        }
        EmbeddedServers servers = new EmbeddedServers(startedZooKeeper, startedS3, startedKafka);
        LOG.info("Embedded servers started, ms per server: {}", millis);
        return servers;
      } catch (RuntimeException | Error e) {
        closeAll(started);
        throw e;
      }
    }
  }
}
