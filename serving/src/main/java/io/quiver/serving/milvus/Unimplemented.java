package io.quiver.serving.milvus;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.quiver.serving.milvus.proto.Status;
import java.util.Set;

/**
 * Wraps the Milvus service so that every RPC Quiver does not serve answers at once with a Milvus error status saying
 * so (code {@value MilvusStatus#UNIMPLEMENTED}), never gRPC's bare UNIMPLEMENTED (which the SDK reports as a generic
 * failure) and never a hang. The response's {@code status} field is found by reflection, so new RPCs in a newer
 * Milvus proto are covered without code.
 */
public final class Unimplemented {
  private Unimplemented() {}

  public static ServerServiceDefinition wrap(ServerServiceDefinition served, Set<String> implemented) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(served.getServiceDescriptor());
    for (ServerMethodDefinition<?, ?> m : served.getMethods()) {
      String name = m.getMethodDescriptor().getBareMethodName();
      if (implemented.contains(name) || m.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
        b.addMethod(m);
      } else {
        b.addMethod(refusing(m));
      }
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> ServerMethodDefinition<Q, R> refusing(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> md = m.getMethodDescriptor();
    R prototype = ((MethodDescriptor.PrototypeMarshaller<R>) md.getResponseMarshaller()).getMessagePrototype();
    String reason = "Quiver does not serve " + md.getBareMethodName() + " (service unimplemented); see the Quiver "
        + "README for the Milvus API subset it speaks";
    Status status = MilvusStatus.error(MilvusStatus.UNIMPLEMENTED, reason);
    R response = (R) MilvusStatus.response((Message) prototype, status);
    ServerCallHandler<Q, R> h = ServerCalls.asyncUnaryCall((req, obs) -> {
      obs.onNext(response);
      obs.onCompleted();
    });
    return ServerMethodDefinition.create(md, h);
  }
}
