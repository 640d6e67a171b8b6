package io.quiver.serving.server;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.quiver.coordinator.Coordinator;
import io.quiver.coordinator.NodeInfo;
import io.quiver.coordinator.ZkCluster;
import io.quiver.serving.metrics.ServingMetrics;
import io.quiver.serving.milvus.QuiverMilvusService;
import io.quiver.serving.milvus.Unimplemented;
import io.quiver.serving.node.NodeConfig;
import io.quiver.serving.node.NodeService;
import io.quiver.serving.node.QueryNode;
import io.quiver.serving.proxy.ClusterView;
import io.quiver.serving.proxy.Consistency;
import io.quiver.serving.proxy.NodeClients;
import io.quiver.serving.proxy.Proxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One serving node: a query node, a proxy speaking the Milvus API, a coordinator candidate, all on one gRPC port
 * (Milvus's {@code MilvusService} and Quiver's internal {@code QueryNode} service), plus the Prometheus endpoint.
 * {@link #close()} shuts down gracefully: deregisters first (the coordinator moves its shards), lets in-flight calls
 * finish (bounded), then stops.
 */
public final class QuiverServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuiverServer.class);

  private final ServerConfig config;
  private final ZkCluster cluster;
  private final QueryNode node;
  private final ClusterView view;
  private final NodeClients clients;
  private final Proxy proxy;
  private final Consistency consistency;
  private final Coordinator coordinator;
  private final Server server;
  private final Membership registration;
  private final HTTPServer metrics;
  private final QuiverMilvusService milvus;

  private QuiverServer(ServerConfig c) {
    this.config = c;
    this.cluster = ZkCluster.connect(c.zookeeper(), c.zkNamespace(), c.sessionTimeoutMs(), 30_000, c.warehouse(),
        c.hadoopProperties());
    this.node = new QueryNode(cluster, new NodeConfig(c.nodeId(), c.kafkaBootstrap(), c.cacheDir(), c.cacheBytes(),
        Math.max(2, Runtime.getRuntime().availableProcessors()), c.boundedStalenessMs()));
    this.view = new ClusterView(cluster);
    this.clients = new NodeClients(c.token(), c.tlsCert());
    this.proxy = new Proxy(view, clients);
    this.consistency = new Consistency(c.kafkaBootstrap(), c.boundedStalenessMs());
    this.milvus = new QuiverMilvusService(cluster, proxy, consistency, c.kafkaBootstrap(),
        c.requestTimeoutMs(), c.defaultShards());
    NodeService nodeService = new NodeService(node);
    NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress(c.host(), c.port()))
        .maxInboundMessageSize(256 << 20)
        // The Milvus SDK pings often (as Milvus allows); without this gRPC answers GOAWAY too_many_pings.
        .permitKeepAliveTime(1, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
        .addStreamTracerFactory(ServingMetrics.callTracer())
        .addService(ServerInterceptors.intercept(Unimplemented.wrap(milvus.bindService(), QuiverMilvusService.SERVED),
            auth(c.token(), true)))
        .addService(ServerInterceptors.intercept(nodeService, auth(c.token(), false)));
    if (c.tlsCert() != null) {
      sb.useTransportSecurity(c.tlsCert().toFile(), c.tlsKey().toFile());
    }
    this.server = sb.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the gRPC server on " + c.host() + ":" + c.port(), e);
    }
    // The proxy calls this process's own node directly (see NodeClients.local).
    clients.local(address(), nodeService);
    this.metrics = c.metricsPort() >= 0 ? ServingMetrics.serve(c.metricsPort()) : null;
    ServingMetrics.registerNode(c.nodeId(), () -> {
      long h = node.cache().hits();
      long m = node.cache().misses();
      return h + m == 0 ? 1.0 : (double) h / (h + m);
    }, node.cache()::bytes, this::tailLag);
    node.start();
    this.registration = new Membership(cluster.zk(), new NodeInfo(c.nodeId(), address(), address(),
        c.cacheBytes(), 0), c.sessionTimeoutMs());
    this.coordinator = new Coordinator(cluster, c.nodeId(), c.replicas());
    coordinator.start();
    LOG.info("Quiver node {} serves the Milvus API on {} (metrics on {})", c.nodeId(), address(),
        metrics == null ? "-" : metrics.getPort());
  }

  /** Starts a node. */
  public static QuiverServer start(ServerConfig config) {
    return new QuiverServer(config);
  }

  private Map<String, Long> tailLag() {
    Map<String, Long> out = new HashMap<>();
    node.tailPositions().forEach((unit, pos) -> {
      int slash = unit.lastIndexOf('/');
      String c = unit.substring(0, slash);
      int shard = Integer.parseInt(unit.substring(slash + 1));
      try {
        long last = consistency.strong(c, shard + 1).getOrDefault(shard, -1L);
        out.put(unit, Math.max(0, last + 1 - pos));
      } catch (RuntimeException e) {
        // topic gone: no lag to report
      }
    });
    return out;
  }

  /** Token authentication when a token is configured, else a pass-through. */
  private static ServerInterceptor auth(String token, boolean milvusStatus) {
    if (token == null) {
      return new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          return next.startCall(call, headers);
        }
      };
    }
    return new TokenAuth(token, milvusStatus);
  }

  /** {@code host:port} of the gRPC server. */
  public String address() {
    return config.host() + ":" + server.getPort();
  }

  public int port() {
    return server.getPort();
  }

  public int metricsPort() {
    return metrics == null ? -1 : metrics.getPort();
  }

  public String nodeId() {
    return config.nodeId();
  }

  public QueryNode node() {
    return node;
  }

  public Coordinator coordinator() {
    return coordinator;
  }

  public ZkCluster cluster() {
    return cluster;
  }

  /** Graceful stop: leave the cluster, drain calls (at most 10 s), stop. */
  @Override
  public void close() {
    try {
      registration.close();
    } catch (IOException e) {
      LOG.debug("Deregistration: {}", e.toString());
    }
    coordinator.close();
    server.shutdown();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    if (metrics != null) {
      metrics.stop();
    }
    ServingMetrics.unregisterNode(config.nodeId());
    milvus.close();
    proxy.close();
    clients.close();
    view.close();
    node.close();
    consistency.close();
    cluster.close();
  }

  /** Stops abruptly, as a crash would: no deregistration, calls cut off (for failover tests). */
  public void kill() {
    server.shutdownNow();
    if (metrics != null) {
      metrics.stop();
    }
    ServingMetrics.unregisterNode(config.nodeId());
    milvus.close();
    coordinator.close();
    registration.abandon();
    cluster.close(); // the session ends: the registration vanishes
    proxy.close();
    clients.close();
    view.close();
    node.close();
    consistency.close();
  }
}
