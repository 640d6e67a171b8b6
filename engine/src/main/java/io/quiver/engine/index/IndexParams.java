package io.quiver.engine.index;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Validated build parameters of one index kind: every known parameter with its value (given or default), as strings
 * (how they are written into the index file header) with typed getters. Made by {@link VectorIndexFactory#validate}.
 */
public final class IndexParams {
  private final String kind;
  private final Map<String, String> values;

  IndexParams(String kind, Map<String, String> values) {
    this.kind = kind;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public String kind() {
    return kind;
  }

  /** Every parameter of the kind, in declaration order. */
  public Map<String, String> asMap() {
    return values;
  }

  public String get(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalStateException("Parameter " + name + " is not a parameter of " + kind + ": " + values.keySet());
    }
    return v;
  }

  public int getInt(String name) {
    return Integer.parseInt(get(name));
  }

  public float getFloat(String name) {
    return Float.parseFloat(get(name));
  }

  public boolean getBoolean(String name) {
    return Boolean.parseBoolean(get(name));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexParams && ((IndexParams) o).kind.equals(kind) && ((IndexParams) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, values);
  }

  @Override
  public String toString() {
    return kind + values;
  }
}
