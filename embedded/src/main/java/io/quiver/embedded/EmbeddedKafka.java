package io.quiver.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller, node id 1) inside this JVM, listening on
 * 127.0.0.1 only.
 *
 * <p>Every replication factor and min ISR is 1, {@code group.initial.rebalance.delay.ms} is 0, internal topics
 * have one partition, and <b>automatic topic creation is off</b>: create topics with {@link #createTopic}, or pass
 * {@code auto.create.topics.enable=true} to {@link #start(Map)}. The log directory is a temporary directory,
 * formatted with Kafka's {@code StorageTool} and deleted by {@link #close()}.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and never throws.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final int port;
  private final int controllerPort;
  private final Path dir;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Duration startupTime = Duration.ZERO;

  private EmbeddedKafka(KafkaRaftServer server, int port, int controllerPort, Path dir) {
    this.server = server;
    this.port = port;
    this.controllerPort = controllerPort;
    this.dir = dir;
  }

  /** Starts a broker with the defaults described on this class. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /**
   * Starts a broker with extra or replaced broker properties, e.g. {@code auto.create.topics.enable=true}.
   *
   * @throws IllegalArgumentException if an override touches roles, node id, listeners, quorum or log dirs
   * @throws IllegalStateException if the broker cannot be formatted, started, or does not become ready
   */
  public static EmbeddedKafka start(Map<String, String> brokerOverrides) {
    Objects.requireNonNull(brokerOverrides, "brokerOverrides");
    for (String key : brokerOverrides.keySet()) {
      if (KafkaBrokerProperties.RESERVED.contains(key)) {
        throw new IllegalArgumentException(String.format(
            "Cannot override broker property %s: the embedded broker owns it (reserved: %s)", key,
            KafkaBrokerProperties.RESERVED));
      }
    }
    long begin = System.nanoTime();
    EmbeddedKafka kafka = Loopback.withFreePorts("embedded Kafka", 2,
        ports -> startOn(ports[0], ports[1], brokerOverrides));
    kafka.startupTime = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info("Embedded Kafka broker started on {} (controller port {}) in {} ms", kafka.bootstrapServers(),
        kafka.controllerPort, kafka.startupTime.toMillis());
    return kafka;
  }

  private static EmbeddedKafka startOn(int port, int controllerPort, Map<String, String> overrides) {
    Path dir = TempDirs.create("quiver-kafka-");
    KafkaRaftServer server = null;
    try {
      Properties props = KafkaBrokerProperties.of(port, controllerPort, dir.resolve("logs"), overrides);
      format(props, dir.resolve("server.properties"));
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(server, port, controllerPort, dir);
      kafka.awaitBrokerRegistered();
      return kafka;
    } catch (RuntimeException e) {
      if (server != null) {
        shutdownQuietly(server);
      }
      TempDirs.deleteQuietly(dir);
      throw new IllegalStateException(String.format(
          "Cannot start embedded Kafka broker on %s:%d (controller port %d, log dir %s): %s", Loopback.HOST, port,
          controllerPort, dir, e.getMessage()), e);
    }
  }

  private static void format(Properties props, Path configFile) {
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "Quiver embedded Kafka broker");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + configFile, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exitCode = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
          "--config", configFile.toString()}, printStream);
    }
    String text = output.toString(StandardCharsets.UTF_8).trim();
    if (exitCode != 0) {
      throw new IllegalStateException("kafka-storage format exited with " + exitCode + ": " + text);
    }
    LOG.debug("kafka-storage format: {}", text);
  }

  private void awaitBrokerRegistered() {
    try (Admin admin = admin()) {
      Await.until("broker " + bootstrapServers() + " to answer DescribeCluster", READY_TIMEOUT,
          () -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return Loopback.HOST + ":" + port;
  }

  /** The PLAINTEXT listener's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** How long {@link #start} took, formatting and readiness included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * Creates a topic with replication factor 1 and the given topic configs (e.g. {@code cleanup.policy}), and waits
   * until every partition has a leader.
   *
   * @throws IllegalArgumentException if the name is blank or {@code partitions < 1}
   * @throws IllegalStateException if Kafka refuses the topic (e.g. it exists) or leaders are not elected in time
   */
  public void createTopic(String name, int partitions, Map<String, String> topicConfigs) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Cannot create topic: name must not be blank, got '" + name + "'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Cannot create topic " + name + ": partitions must be positive, got " + partitions);
    }
    try (Admin admin = admin()) {
      NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(topicConfigs);
      admin.createTopics(List.of(topic)).all().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Await.until("a leader for each of the " + partitions + " partitions of topic " + name, TOPIC_TIMEOUT,
          () -> hasLeaders(admin, name, partitions));
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(String.format("Cannot create topic %s with %d partitions on embedded Kafka %s: %s",
          name, partitions, bootstrapServers(), cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    }
  }

  private static boolean hasLeaders(Admin admin, String name, int partitions) throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(name)).allTopicNames().get(5, TimeUnit.SECONDS).get(name);
    return description != null && description.partitions().size() == partitions
        && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  private Admin admin() {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
  }

  /** Shuts the broker down, waits for it, and deletes its log directory. Idempotent; logs instead of throwing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long begin = System.nanoTime();
    shutdownQuietly(server);
    TempDirs.deleteQuietly(dir);
    LOG.info("Embedded Kafka broker {} stopped in {} ms", bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka broker did not shut down cleanly", e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers() + "]";
  }
}
