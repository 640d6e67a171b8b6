package io.quiver.serving.server;

import java.nio.file.Path;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Everything a serving node needs: where ZooKeeper, Kafka and the warehouse are, its id, ports and cache.
 *
 * @param nodeId unique id of the node in the cluster
 * @param zookeeper ZooKeeper connect string
 * @param zkNamespace Curator namespace (clusters sharing a ZooKeeper use different ones)
 * @param kafkaBootstrap Kafka bootstrap servers of the WAL
 * @param warehouse warehouse URI ({@code s3a://bucket/path}, a local folder, ...)
 * @param hadoopProperties Hadoop/S3A properties for the warehouse
 * @param host the address to bind and advertise (127.0.0.1 in tests)
 * @param port the gRPC port of the Milvus API and the internal service (0 = a free one)
 * @param metricsPort the Prometheus endpoint's port (0 = a free one, -1 = none)
 * @param cacheDir the local segment cache directory
 * @param cacheBytes the segment cache's size limit
 * @param replicas replica factor of the assignment
 * @param defaultShards shards of a collection created without a shard number
 * @param sessionTimeoutMs ZooKeeper session timeout
 * @param requestTimeoutMs how long a read may wait for nodes and consistency offsets
 * @param token when set, every call must carry Milvus's {@code authorization} metadata with this value
 *     (the SDK sends base64 of {@code user:password} or the API key)
 * @param tlsCert PEM certificate chain for TLS, or null for plaintext
 * @param tlsKey PEM private key for TLS
 * @param boundedStalenessMs the staleness bound of BOUNDED reads (Milvus's {@code gracefulTime}, default 5000)
 */
public record ServerConfig(String nodeId, String zookeeper, String zkNamespace, String kafkaBootstrap,
    String warehouse, Map<String, String> hadoopProperties, String host, int port, int metricsPort, Path cacheDir,
    long cacheBytes, int replicas, int defaultShards, int sessionTimeoutMs, long requestTimeoutMs,
    @Nullable String token, @Nullable Path tlsCert, @Nullable Path tlsKey, long boundedStalenessMs) {

  /** A configuration with the default bounded staleness. */
  public ServerConfig(String nodeId, String zookeeper, String zkNamespace, String kafkaBootstrap, String warehouse,
      Map<String, String> hadoopProperties, String host, int port, int metricsPort, Path cacheDir, long cacheBytes,
      int replicas, int defaultShards, int sessionTimeoutMs, long requestTimeoutMs, @Nullable String token,
      @Nullable Path tlsCert, @Nullable Path tlsKey) {
    this(nodeId, zookeeper, zkNamespace, kafkaBootstrap, warehouse, hadoopProperties, host, port, metricsPort,
        cacheDir, cacheBytes, replicas, defaultShards, sessionTimeoutMs, requestTimeoutMs, token, tlsCert, tlsKey,
        io.quiver.serving.proxy.Consistency.DEFAULT_BOUNDED_STALENESS_MS);
  }
}
