package io.quiver.engine.search;

import java.util.Collections;
import java.util.Map;

/**
 * One search result: the primary key, the user-facing distance (squared L2, inner product or cosine similarity, as
 * Milvus returns them), the ranking score (larger is better), where it came from, and the output fields asked for.
 */
public record Hit(Object pk, float distance, float score, String segmentId, int ordinal, Map<String, Object> fields) {
  public Hit {
    fields = fields == null ? Map.of() : Collections.unmodifiableMap(fields);
  }

  Hit withFields(Map<String, Object> newFields) {
    return new Hit(pk, distance, score, segmentId, ordinal, newFields);
  }

  Hit withScore(float newScore, float newDistance) {
    return new Hit(pk, newDistance, newScore, segmentId, ordinal, fields);
  }

  /** Best first: higher score, then smaller primary key, so merges are deterministic. */
  static int compare(Hit a, Hit b) {
    int c = Float.compare(b.score, a.score);
    return c != 0 ? c : comparePks(a.pk, b.pk);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int comparePks(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }
}
