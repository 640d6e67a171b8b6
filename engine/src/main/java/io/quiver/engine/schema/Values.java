package io.quiver.engine.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks one value against its field and brings it to the canonical Java type: {@code Boolean}, {@code Integer},
 * {@code Long}, {@code Float}, {@code Double}, {@code String} (VARCHAR, and JSON as compact JSON text) or
 * {@code float[]} (vectors). Every refusal is a {@link ValidationException} naming field, value and reason.
 */
public final class Values {
  static final ObjectMapper JSON = new ObjectMapper();

  private Values() {}

  /** Validates a non-null {@code value} for {@code field} and returns it in canonical form. */
  public static Object normalize(FieldSchema field, Object value) {
    String name = field.name();
    switch (field.type()) {
      case BOOL:
        if (value instanceof Boolean) {
          return value;
        }
        throw typeError(field, value);
      case INT32: {
        long v = integral(field, value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw new ValidationException(name, value, "out of range for INT32");
        }
        return (int) v;
      }
      case INT64:
        return integral(field, value);
      case FLOAT:
        if (value instanceof Number) {
          double d = ((Number) value).doubleValue();
          if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
            throw new ValidationException(name, value, "out of range for FLOAT");
          }
          return ((Number) value).floatValue();
        }
        throw typeError(field, value);
      case DOUBLE:
        if (value instanceof Number) {
          return ((Number) value).doubleValue();
        }
        throw typeError(field, value);
      case VARCHAR:
        if (value instanceof String) {
          String s = (String) value;
          int bytes = utf8Length(s);
          if (bytes > field.maxLength()) {
            throw new ValidationException(name, value,
                "length " + bytes + " bytes exceeds VARCHAR max_length " + field.maxLength());
          }
          return s;
        }
        throw typeError(field, value);
      case JSON:
        return json(name, value);
      case FLOAT_VECTOR:
        return vector(field, value);
      default:
        throw new IllegalStateException("Unhandled type " + field.type());
    }
  }

  private static long integral(FieldSchema field, Object value) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
    }
    throw typeError(field, value);
  }

  private static float[] vector(FieldSchema field, Object value) {
    float[] v;
    if (value instanceof float[]) {
      v = (float[]) value;
    } else if (value instanceof double[]) {
      double[] d = (double[]) value;
      v = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        v[i] = (float) d[i];
      }
    } else if (value instanceof List) {
      List<?> list = (List<?>) value;
      v = new float[list.size()];
      for (int i = 0; i < v.length; i++) {
        Object e = list.get(i);
        if (!(e instanceof Number)) {
          throw new ValidationException(field.name(), value, "element " + i + " is not a number: " + e);
        }
        v[i] = ((Number) e).floatValue();
      }
    } else {
      throw typeError(field, value);
    }
    if (v.length != field.dim()) {
      throw new ValidationException(field.name(), value,
          "dimension " + v.length + " does not match " + field.typeString());
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new ValidationException(field.name(), value, "element " + i + " is " + v[i] + "; vectors must be finite");
      }
    }
    return v;
  }

  /** Canonical compact JSON text for a JSON field value given as text, a Map, a List or a scalar. */
  static String json(String name, Object value) {
    try {
      if (value instanceof String) {
        JsonNode node = JSON.readTree((String) value);
        if (node == null) {
          throw new ValidationException(name, value, "empty JSON text");
        }
        return JSON.writeValueAsString(node);
      }
      if (value instanceof Map || value instanceof List || value instanceof Number || value instanceof Boolean) {
        return JSON.writeValueAsString(value);
      }
      if (value instanceof JsonNode) {
        return JSON.writeValueAsString(value);
      }
    } catch (JsonProcessingException e) {
      throw new ValidationException(name, value, "not valid JSON: " + e.getOriginalMessage());
    }
    throw new ValidationException(name, value, "a JSON field takes JSON text, a map, a list or a scalar, not "
        + value.getClass().getSimpleName());
  }

  static int utf8Length(String s) {
    int n = s.length();
    // ASCII fast path; fall back to an exact count.
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return n;
  }

  private static ValidationException typeError(FieldSchema field, Object value) {
    return new ValidationException(field.name(), value,
        "expected " + field.typeString() + " but got " + value.getClass().getSimpleName());
  }
}
