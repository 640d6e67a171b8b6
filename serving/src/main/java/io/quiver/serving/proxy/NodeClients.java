package io.quiver.serving.proxy;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
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
 * this very process is reached through gRPC's in-process transport ({@link #local}): same service, interceptors,
 * deadlines and status codes, but no socket, no HTTP/2 framing and no protobuf (de)serialization.
 */
public final class NodeClients implements AutoCloseable {
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
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

  /**
   * Routes calls for {@code address} (this process's own node) to the in-process server named {@code inProcessName}.
   * The node runs the call on its server executor; the calling thread waits for the answer.
   */
  public void local(String address, String inProcessName) {
    ManagedChannel old = channels.put(address, InProcessChannelBuilder.forName(inProcessName).directExecutor()
        .build());
    if (old != null) {
      old.shutdownNow();
    }
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
