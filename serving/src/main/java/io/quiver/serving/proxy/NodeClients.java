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

  public NodeClients(@Nullable String token) {
    this.token = token;
  }

  public QueryNodeGrpc.QueryNodeBlockingStub stub(String address, long deadlineMillis) {
    ManagedChannel ch = channels.computeIfAbsent(address, a -> {
      int colon = a.lastIndexOf(':');
      return NettyChannelBuilder.forAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)))
          .usePlaintext().maxInboundMessageSize(256 << 20).build();
    });
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
