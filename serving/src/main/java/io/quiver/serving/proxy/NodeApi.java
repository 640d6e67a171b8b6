package io.quiver.serving.proxy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quiver.serving.internal.NodeCount;
import io.quiver.serving.internal.NodeHits;
import io.quiver.serving.internal.NodeRequest;
import io.quiver.serving.internal.NodeRows;
import io.quiver.serving.internal.QueryNodeGrpc;
import java.util.function.BiConsumer;

/**
 * The calls the proxy makes on one query node, whether it is remote (a gRPC stub) or the node of this very process
 * (its service called on the caller's thread). Both report failures the same way: a {@link StatusRuntimeException}
 * with the node's status code.
 */
public interface NodeApi {
  NodeHits search(NodeRequest r);

  NodeRows query(NodeRequest r);

  NodeCount count(NodeRequest r);

  NodeRows get(NodeRequest r);

  /** A remote node through its (deadline-carrying) stub. */
  static NodeApi remote(QueryNodeGrpc.QueryNodeBlockingStub stub) {
    return new NodeApi() {
      @Override
      public NodeHits search(NodeRequest r) {
        return stub.search(r);
      }

      @Override
      public NodeRows query(NodeRequest r) {
        return stub.query(r);
      }

      @Override
      public NodeCount count(NodeRequest r) {
        return stub.count(r);
      }

      @Override
      public NodeRows get(NodeRequest r) {
        return stub.get(r);
      }
    };
  }

  /**
   * This process's node, called directly: no transport, no serialization, no thread hand-off, and no token check
   * (the proxy calling it has authenticated its own caller). The service must answer before returning, as Quiver's
   * {@code NodeService} does (its waits are bounded by the request's {@code wait_millis}).
   */
  static NodeApi direct(QueryNodeGrpc.AsyncService service) {
    return new NodeApi() {
      @Override
      public NodeHits search(NodeRequest r) {
        return call(service::search, r);
      }

      @Override
      public NodeRows query(NodeRequest r) {
        return call(service::query, r);
      }

      @Override
      public NodeCount count(NodeRequest r) {
        return call(service::count, r);
      }

      @Override
      public NodeRows get(NodeRequest r) {
        return call(service::get, r);
      }
    };
  }

  private static <T> T call(BiConsumer<NodeRequest, StreamObserver<T>> method, NodeRequest r) {
    Answer<T> a = new Answer<>();
    method.accept(r, a);
    return a.result();
  }

  /** Collects the one answer (or error) of a unary call made on this thread. */
  final class Answer<T> implements StreamObserver<T> {
    private T value;
    private Throwable error;
    private boolean done;

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done = true;
    }

    @Override
    public void onCompleted() {
      done = true;
    }

    T result() {
      if (error != null) {
        throw error instanceof StatusRuntimeException sre ? sre : Status.fromThrowable(error).asRuntimeException();
      }
      if (!done || value == null) {
        throw Status.INTERNAL.withDescription("the local node returned without answering").asRuntimeException();
      }
      return value;
    }
  }
}
