package io.quiver.serving.proxy;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.quiver.serving.internal.QueryNodeGrpc;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import javax.net.ssl.SSLException;

/**
 * One gRPC channel per query node address, reused by every request; carries the cluster token when set. The node of
 * this very process is called directly ({@link #local}, {@link NodeApi#direct}): same service and status codes, but
 * no transport, no serialization and no thread hand-off.
 */
public final class NodeClients implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, NodeApi> locals = new ConcurrentHashMap<>();
  @Nullable private final Path trustCert;
  @Nullable private final CallCredentials credentials;

  public NodeClients(@Nullable String token) {
    this(token, null);
  }

  /**
   * @param trustCert the PEM certificate the nodes serve TLS with (they share one: it must name every node's
   *     advertised host, e.g. as IP subject alternative names), or null for plaintext
   */
  public NodeClients(@Nullable String token, @Nullable Path trustCert) {
    this.trustCert = trustCert;
    this.credentials = token == null ? null : new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), token);
        applier.apply(m);
      }
    };
  }

  private ManagedChannel channel(String address) {
    int colon = address.lastIndexOf(':');
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1))).maxInboundMessageSize(256 << 20);
    if (trustCert == null) {
      return b.usePlaintext().build();
    }
    try {
      return b.sslContext(GrpcSslContexts.forClient()
          .trustManager(trustCert.toFile()).build()).build();
    } catch (SSLException e) {
      throw new IllegalStateException("Cannot use " + trustCert + " to reach node " + address + " over TLS: " + e, e);
    }
  }

  /** Routes calls for {@code address} (this process's own node) straight to {@code service}, on the caller's thread. */
  public void local(String address, QueryNodeGrpc.AsyncService service) {
    locals.put(address, NodeApi.direct(service));
  }

  /** The node at {@code address}: this process's own called directly, any other through its stub. */
  public NodeApi api(String address, long deadlineMillis) {
    NodeApi local = locals.get(address);
    return local != null ? local : NodeApi.remote(stub(address, deadlineMillis));
  }

  public QueryNodeGrpc.QueryNodeBlockingStub stub(String address, long deadlineMillis) {
    ManagedChannel ch = channels.computeIfAbsent(address, this::channel);
    QueryNodeGrpc.QueryNodeBlockingStub s = QueryNodeGrpc.newBlockingStub(ch)
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    return credentials == null ? s : s.withCallCredentials(credentials);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
