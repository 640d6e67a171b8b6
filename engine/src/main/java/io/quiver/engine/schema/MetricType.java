package io.quiver.engine.schema;

import java.util.Locale;

/**
 * Similarity metric of a vector field.
 *
 * <p>{@link #distance} returns what Milvus returns to a user: squared Euclidean distance for {@code L2} (smaller is
 * closer), the inner product for {@code IP} and the cosine similarity for {@code COSINE} (larger is closer).
 * {@link #score} turns that into one "larger is better" number used for ranking everywhere inside the engine.
 * The numeric ids are fixed and written into index files; never use {@code ordinal()}.
 */
public enum MetricType {
  L2(1),
  IP(2),
  COSINE(3);

  private final int id;

  MetricType(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  /** True when a larger {@link #distance} means a closer vector (IP, COSINE). */
  public boolean higherIsCloser() {
    return this != L2;
  }

  /** The user-facing distance between {@code a} and the vector at {@code b[offset .. offset+a.length)}. */
  public float distance(float[] a, float[] b, int offset) {
    int n = a.length;
    switch (this) {
      case L2: {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
          float d = a[i] - b[offset + i];
          sum += d * d;
        }
        return sum;
      }
      case IP: {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
          sum += a[i] * b[offset + i];
        }
        return sum;
      }
      default: {
        float dot = 0f;
        float na = 0f;
        float nb = 0f;
        for (int i = 0; i < n; i++) {
          float x = a[i];
          float y = b[offset + i];
          dot += x * y;
          na += x * x;
          nb += y * y;
        }
        double denom = Math.sqrt((double) na * nb);
        return denom == 0 ? 0f : (float) (dot / denom);
      }
    }
  }

  public float distance(float[] a, float[] b) {
    return distance(a, b, 0);
  }

  /** Maps a distance to a ranking score where larger is always better. */
  public float score(float distance) {
    return higherIsCloser() ? distance : -distance;
  }

  /** Maps a ranking score back to the user-facing distance. */
  public float distanceOf(float score) {
    return higherIsCloser() ? score : -score;
  }

  public static MetricType fromId(int id) {
    for (MetricType m : values()) {
      if (m.id == id) {
        return m;
      }
    }
    throw new IllegalArgumentException("Unknown metric id " + id + ": expected 1 (L2), 2 (IP) or 3 (COSINE)");
  }

  public static MetricType parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unknown metric '" + name + "': expected L2, IP or COSINE", e);
    }
  }
}
