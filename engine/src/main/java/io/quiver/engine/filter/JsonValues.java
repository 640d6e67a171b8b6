package io.quiver.engine.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import javax.annotation.Nullable;

/**
 * JSON path lookups and conversions shared by both evaluators. A path step is a {@code String} (object key) or an
 * {@code Integer} (array index); a step that does not fit (a key on an array, an index past the end, a missing key)
 * gives null, which filters treat like SQL NULL. JSON {@code null} is null too.
 *
 * <p>Leaves become canonical values: integral numbers that fit become {@code Long}, other numbers {@code Double},
 * strings {@code String}, booleans {@code Boolean}; arrays and objects stay {@code JsonNode}s.
 */
final class JsonValues {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonValues() {}

  /** Parses JSON text; null for null text. Text that is not JSON (never written by Quiver) counts as null. */
  @Nullable
  static JsonNode parse(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Parses UTF-8 JSON bytes (a VARCHAR cell); null when they are not JSON. */
  @Nullable
  static JsonNode parse(byte[] utf8) {
    try {
      return MAPPER.readTree(utf8);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** A JSON value given as a Java object: JSON text, or a map/list/scalar (rows made by hand). */
  @Nullable
  static JsonNode fromJava(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      return parse((String) value);
    }
    if (value instanceof JsonNode) {
      return (JsonNode) value;
    }
    return MAPPER.valueToTree(value);
  }

  /** The canonical value at {@code path} under {@code root}, or null. */
  @Nullable
  static Object extract(@Nullable JsonNode root, List<Object> path) {
    JsonNode node = root;
    for (Object step : path) {
      if (node == null) {
        return null;
      }
      if (step instanceof Integer) {
        node = node.isArray() ? node.get((Integer) step) : null;
      } else {
        node = node.isObject() ? node.get((String) step) : null;
      }
    }
    return toValue(node);
  }

  @Nullable
  static Object toValue(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node;
  }

  /**
   * {@code json_contains} and friends on one value: null (UNKNOWN) when the value is null, false when it is not an
   * array, else whether the array holds the value ({@code CONTAINS}), all of them ({@code CONTAINS_ALL}; vacuously true
   * for an empty list) or any of them ({@code CONTAINS_ANY}).
   */
  @Nullable
  static Boolean contains(Filter.Contains.Mode mode, @Nullable Object value, List<Object> values,
      @Nullable ValueSet scalars) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonNode) || !((JsonNode) value).isArray()) {
      return false;
    }
    JsonNode array = (JsonNode) value;
    if (mode == Filter.Contains.Mode.CONTAINS_ANY && scalars != null) {
      for (JsonNode e : array) {
        if (Boolean.TRUE.equals(scalars.contains(toValue(e)))) {
          return true;
        }
      }
      return false;
    }
    boolean any = false;
    for (Object v : values) {
      boolean found = false;
      for (JsonNode e : array) {
        if (Comparisons.jsonEquals(toValue(e), v)) {
          found = true;
          break;
        }
      }
      if (found && mode == Filter.Contains.Mode.CONTAINS_ANY) {
        return true;
      }
      if (!found && mode != Filter.Contains.Mode.CONTAINS_ANY) {
        return false;
      }
      any |= found;
    }
    return mode != Filter.Contains.Mode.CONTAINS_ANY || any;
  }
}
