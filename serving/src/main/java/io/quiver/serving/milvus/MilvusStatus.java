package io.quiver.serving.milvus;

import io.quiver.serving.milvus.proto.ErrorCode;
import io.quiver.serving.milvus.proto.Status;

/**
 * Milvus status values. {@code code} follows Milvus's error numbers where one fits (100 collection not found, 101
 * collection not loaded, 1100 invalid parameter, 5 unimplemented service), so SDK callers branching on them keep
 * working; the reason always names what was refused, the value and why.
 */
public final class MilvusStatus {
  public static final int COLLECTION_NOT_FOUND = 100;
  public static final int COLLECTION_NOT_LOADED = 101;
  public static final int PARAMETER_INVALID = 1100;
  public static final int UNIMPLEMENTED = 5;
  public static final int UNEXPECTED = 65535;
  public static final int TIMEOUT = 7;
  public static final int PARTITION_NOT_FOUND = 200;
  public static final int PARTITION_NOT_LOADED = 201;
  public static final int NOT_AUTHENTICATED = 1400;

  public static final Status SUCCESS = Status.newBuilder().setErrorCode(ErrorCode.Success).setCode(0).build();

  private MilvusStatus() {}

  public static Status error(int code, String reason) {
    ErrorCode legacy;
    switch (code) {
      case COLLECTION_NOT_FOUND:
        legacy = ErrorCode.CollectionNotExists;
        break;
      case PARAMETER_INVALID:
        legacy = ErrorCode.IllegalArgument;
        break;
      default:
        legacy = ErrorCode.UnexpectedError;
    }
    return Status.newBuilder().setErrorCode(legacy).setCode(code).setReason(reason).build();
  }

  /**
   * A response message of {@code prototype}'s type carrying only {@code status} in its {@code status} field (found by
   * reflection, so every MilvusService response type works), or the status itself for RPCs answering a Status.
   */
  public static com.google.protobuf.Message response(com.google.protobuf.Message prototype, Status status) {
    if (prototype instanceof Status) {
      return status;
    }
    com.google.protobuf.Message.Builder b = prototype.newBuilderForType();
    com.google.protobuf.Descriptors.FieldDescriptor f = prototype.getDescriptorForType().findFieldByName("status");
    if (f != null && f.getMessageType() != null
        && f.getMessageType().getFullName().equals(Status.getDescriptor().getFullName())) {
      b.setField(f, status);
    }
    return b.build();
  }

  /** An error with a Milvus code, raised anywhere in request handling and turned into a status at the edge. */
  public static final class MilvusException extends RuntimeException {
    private final int code;

    public MilvusException(int code, String reason) {
      super(reason);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }
}
