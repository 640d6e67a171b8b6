package io.quiver.serving.proxy;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.quiver.serving.internal.QueryNodeGrpc;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/** One gRPC channel per query node address, reused by every request; carries the cluster token when set. */
public final class NodeClients implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  @Nullable private final String token;
  @Nullable private final java.nio.file.Path trustCert;

  public NodeClients(@Nullable String token) {
    this(token, null);
  }

  /**
   * @param trustCert the PEM certificate the nodes serve TLS with (they share one: it must name every node's
   *     advertised host, e.g. as IP subject alternative names), or null for plaintext
   */
  public NodeClients(@Nullable String token, @Nullable java.nio.file.Path trustCert) {
    this.token = token;
    this.trustCert = trustCert;
  }

  private ManagedChannel channel(String address) {
    int colon = address.lastIndexOf(':');
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1))).maxInboundMessageSize(256 << 20);
    if (trustCert == null) {
      return b.usePlaintext().build();
    }
    try {
      return b.sslContext(io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient()
          .trustManager(trustCert.toFile()).build()).build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException("Cannot use " + trustCert + " to reach node " + address + " over TLS: " + e, e);
    }
  }

  public QueryNodeGrpc.QueryNodeBlockingStub stub(String address, long deadlineMillis) {
    ManagedChannel ch = channels.computeIfAbsent(address, this::channel);
    QueryNodeGrpc.QueryNodeBlockingStub s = QueryNodeGrpc.newBlockingStub(ch)
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    if (token != null) {
      s = s.withCallCredentials(new CallCredentials() {
        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
          Metadata m = new Metadata();
          m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), token);
          applier.apply(m);
        }
      });
    }
    return s;
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
