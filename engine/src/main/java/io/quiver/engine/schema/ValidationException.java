package io.quiver.engine.schema;

import javax.annotation.Nullable;

/**
 * Bad input refused at the edge: names the field, the offending value and the reason.
 *
 * <p>Adapters map it to their own error (gRPC {@code INVALID_ARGUMENT}, a failed Spark or Flink job, a dead letter).
 */
public class ValidationException extends IllegalArgumentException {
  private final String field;
  private final transient Object value;
  private final String reason;

  public ValidationException(String field, @Nullable Object value, String reason) {
    super(format(field, value, reason));
    this.field = field;
    this.value = value;
    this.reason = reason;
  }

  private static String format(String field, Object value, String reason) {
    return "Invalid value for field '" + field + "'" + (value == null ? "" : " (" + describe(value) + ")") + ": " + reason;
  }

  static String describe(Object value) {
    if (value instanceof float[]) {
      float[] v = (float[]) value;
      return "float[" + v.length + "]";
    }
    if (value instanceof java.util.List && ((java.util.List<?>) value).size() > 8) {
      return "list of " + ((java.util.List<?>) value).size() + " elements";
    }
    String s = String.valueOf(value);
    return s.length() > 80 ? "'" + s.substring(0, 77) + "...'" : "'" + s + "'";
  }

  public String field() {
    return field;
  }

  @Nullable
  public Object value() {
    return value;
  }

  public String reason() {
    return reason;
  }
}
