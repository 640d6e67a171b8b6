package io.quiver.engine.catalog;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The index a collection wants on one vector field: a kind ({@code FLAT}, {@code GRAPH}, {@code GRAPH_PQ}) and its
 * parameters. Segments lacking the current spec are what the reindex job rebuilds.
 */
public record IndexSpec(String kind, Map<String, String> params) implements Serializable {
  public IndexSpec {
    params = Collections.unmodifiableMap(new TreeMap<>(params));
  }

  public static IndexSpec flat() {
    return new IndexSpec("FLAT", Map.of());
  }
}
