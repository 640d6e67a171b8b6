package io.quiver.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** The {@code server.properties} of the single-node embedded KRaft broker. */
final class KafkaBrokerProperties {
  /** Keys that tie the broker to its ports and directory; callers may not override them. */
  static final Set<String> RESERVED = Set.of("process.roles", "node.id", "controller.quorum.voters",
      "controller.quorum.bootstrap.servers", "listeners", "advertised.listeners", "controller.listener.names",
      "inter.broker.listener.name", "listener.security.protocol.map", "log.dirs", "log.dir", "metadata.log.dir");

  private KafkaBrokerProperties() {}

  static Properties of(int port, int controllerPort, Path logDir, Map<String, String> overrides) {
    Properties props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", "1");
    props.setProperty("controller.quorum.voters", "1@" + Loopback.HOST + ":" + controllerPort);
    props.setProperty("listeners",
        "PLAINTEXT://" + Loopback.HOST + ":" + port + ",CONTROLLER://" + Loopback.HOST + ":" + controllerPort);
    props.setProperty("advertised.listeners", "PLAINTEXT://" + Loopback.HOST + ":" + port);
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("inter.broker.listener.name", "PLAINTEXT");
    props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.setProperty("log.dirs", logDir.toString());

    // One node: every replication factor and min ISR is 1.
    props.setProperty("default.replication.factor", "1");
    props.setProperty("min.insync.replicas", "1");
    props.setProperty("offsets.topic.replication.factor", "1");
    props.setProperty("transaction.state.log.replication.factor", "1");
    props.setProperty("transaction.state.log.min.isr", "1");
    props.setProperty("share.coordinator.state.topic.replication.factor", "1");
    props.setProperty("share.coordinator.state.topic.min.isr", "1");
    // Internal topics with one partition: the first consumer group and transaction start faster.
    props.setProperty("offsets.topic.num.partitions", "1");
    props.setProperty("transaction.state.log.num.partitions", "1");
    props.setProperty("share.coordinator.state.topic.num.partitions", "1");
    props.setProperty("num.partitions", "1");
    props.setProperty("group.initial.rebalance.delay.ms", "0");
    // Tests create their topics explicitly, so a misspelt topic name fails instead of silently creating a topic.
    props.setProperty("auto.create.topics.enable", "false");

    // A small footprint on a shared 2-core machine; the cleaner's dedupe buffer defaults to 128 MB of heap.
    props.setProperty("num.network.threads", "2");
    props.setProperty("num.io.threads", "2");
    props.setProperty("background.threads", "2");
    props.setProperty("num.recovery.threads.per.data.dir", "1");
    props.setProperty("log.cleaner.threads", "1");
    props.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));

    props.putAll(overrides);
    return props;
  }
}
