package io.quiver.serving.server;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quiver.serving.milvus.MilvusStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.annotation.Nullable;

/**
 * Token authentication on Milvus's {@code authorization} metadata. The configured token is what a user gives the
 * SDK: {@code user:password} or an API key; the Milvus SDKs send it base64-encoded, which is accepted, as are the
 * raw token and {@code Bearer <token>} (curl, Quiver's own node-to-node calls).
 *
 * <p>A refused Milvus API call is answered like Milvus does for a wrong password: a response whose status has code
 * {@value MilvusStatus#NOT_AUTHENTICATED} and a reason, so the SDK raises its usual exception; Quiver's internal
 * node service answers gRPC {@code UNAUTHENTICATED}. Nothing of the request is read or run.
 */
final class TokenAuth implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final byte[][] accepted;
  private final boolean milvusStatus;

  /** @param milvusStatus answer refusals with a Milvus status (the Milvus API) rather than a gRPC error */
  TokenAuth(String token, boolean milvusStatus) {
    String b64 = Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    this.accepted = new byte[][] {bytes(b64), bytes(token), bytes("Bearer " + token)};
    this.milvusStatus = milvusStatus;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  boolean accepts(@Nullable String given) {
    if (given == null) {
      return false;
    }
    byte[] g = bytes(given);
    boolean ok = false;
    for (byte[] a : accepted) {
      ok |= MessageDigest.isEqual(a, g); // constant time, every candidate compared
    }
    return ok;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String given = headers.get(AUTHORIZATION);
    if (accepts(given)) {
      return next.startCall(call, headers);
    }
    String reason = (given == null ? "missing" : "wrong") + " authorization token for "
        + call.getMethodDescriptor().getBareMethodName() + ": give the server's token (user:password or API key)";
    MethodDescriptor<Q, R> md = call.getMethodDescriptor();
    if (milvusStatus && md.getType() == MethodDescriptor.MethodType.UNARY
        && md.getResponseMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<R> pm
        && pm.getMessagePrototype() instanceof Message prototype) {
      @SuppressWarnings("unchecked")
      R response = (R) MilvusStatus.response(prototype, MilvusStatus.error(MilvusStatus.NOT_AUTHENTICATED, reason));
      call.sendHeaders(new Metadata());
      call.sendMessage(response);
      call.close(io.grpc.Status.OK, new Metadata());
    } else {
      call.close(io.grpc.Status.UNAUTHENTICATED.withDescription(reason), new Metadata());
    }
    return new ServerCall.Listener<>() {};
  }
}
