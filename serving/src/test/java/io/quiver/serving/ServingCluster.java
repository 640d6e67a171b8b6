package io.quiver.serving;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.quiver.coordinator.ZkCluster;
import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.EmbeddedZooKeeper;
import io.quiver.embedded.EmbeddedZooKeeperCluster;
import io.quiver.embedded.TempDirs;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A serving cluster for ITs: a ZooKeeper ensemble, a Kafka broker, S3Proxy and N serving nodes on 127.0.0.1. */
final class ServingCluster implements AutoCloseable {
  final EmbeddedZooKeeperCluster zk;
  final EmbeddedKafka kafka;
  final EmbeddedS3 s3;
  final String warehouse;
  final String namespace = "quiver-" + UUID.randomUUID().toString().substring(0, 8);
  final List<QuiverServer> nodes = new ArrayList<>();
  private final Path dir;
  private final List<MilvusClientV2> clients = new ArrayList<>();
  private ZkCluster admin;

  ServingCluster(int nodes, int replicas) throws Exception {
    this(nodes, replicas, 3);
  }

  /** {@code zkServers} ZooKeeper servers (an ensemble of 3 for failover tests, 1 where it does not matter). */
  ServingCluster(int nodes, int replicas, int zkServers) throws Exception {
    this.zk = EmbeddedZooKeeper.startCluster(zkServers);
    this.kafka = EmbeddedKafka.start();
    this.s3 = EmbeddedS3.start();
    this.warehouse = s3.warehouseUri("warehouse");
    this.dir = Files.createTempDirectory("quiver-serving-it");
    for (int i = 0; i < nodes; i++) {
      this.nodes.add(start("node" + i, replicas));
    }
  }

  QuiverServer start(String id, int replicas) {
    return QuiverServer.start(config(id, replicas, -1, null, null, null, 5_000));
  }

  /** A node's configuration on this cluster: metrics port (-1 none), token, TLS files, BOUNDED staleness. */
  ServerConfig config(String id, int replicas, int metricsPort, String token, Path tlsCert, Path tlsKey,
      long boundedStalenessMs) {
    return new ServerConfig(id, zk.connectString(), namespace, kafka.bootstrapServers(), warehouse,
        s3.hadoopProperties(), "127.0.0.1", 0, metricsPort, dir.resolve(id + "-" + UUID.randomUUID()), 1L << 30,
        replicas, 2, 4_000, 10_000, token, tlsCert, tlsKey, boundedStalenessMs);
  }

  String uri(int node) {
    return "http://127.0.0.1:" + nodes.get(node).port();
  }

  Map<String, String> hadoop() {
    return s3.hadoopProperties();
  }

  /** A Milvus SDK client of node {@code node}, closed with the cluster. */
  MilvusClientV2 client(int node) {
    MilvusClientV2 c = new MilvusClientV2(ConnectConfig.builder().uri(uri(node)).build());
    clients.add(c);
    return c;
  }

  /** The tests' own ZooKeeper view of the cluster (catalog, assignment, load flags), closed with the cluster. */
  synchronized ZkCluster admin() {
    if (admin == null) {
      admin = ZkCluster.connect(zk.connectString(), namespace, 10_000, 10_000, warehouse, hadoop());
    }
    return admin;
  }

  @Override
  public void close() {
    clients.forEach(MilvusClientV2::close);
    if (admin != null) {
      admin.close();
    }
    for (QuiverServer n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // already killed
      }
    }
    kafka.close();
    s3.close();
    zk.close();
    TempDirs.deleteQuietly(dir);
  }
}
