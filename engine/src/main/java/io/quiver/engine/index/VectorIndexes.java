package io.quiver.engine.index;

import io.quiver.engine.schema.ValidationException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The index kinds on the class path, found once with {@link ServiceLoader}. */
public final class VectorIndexes {
  private static volatile Map<String, VectorIndexFactory> factories;

  private VectorIndexes() {
  }

  /**
   * The factory of {@code kind} (case-insensitive).
   *
   * @throws ValidationException naming the kinds available when none matches
   */
  public static VectorIndexFactory factory(String kind) {
    Map<String, VectorIndexFactory> all = all();
    VectorIndexFactory f = kind == null ? null : all.get(kind.trim().toUpperCase(Locale.ROOT));
    if (f == null) {
      throw new ValidationException("index_type", kind, "unknown index kind; available: " + String.join(", ",
          all.keySet()));
    }
    return f;
  }

  /** Every kind found, by name. */
  public static Map<String, VectorIndexFactory> all() {
    Map<String, VectorIndexFactory> m = factories;
    if (m == null) {
      synchronized (VectorIndexes.class) {
        m = factories;
        if (m == null) {
          Map<String, VectorIndexFactory> found = new TreeMap<>();
          for (VectorIndexFactory f : ServiceLoader.load(VectorIndexFactory.class, VectorIndexes.class.getClassLoader())) {
            VectorIndexFactory prev = found.putIfAbsent(f.kind(), f);
            if (prev != null && prev.getClass() != f.getClass()) {
              throw new IllegalStateException("Two index factories claim kind " + f.kind() + ": "
                  + prev.getClass().getName() + " and " + f.getClass().getName());
            }
          }
          m = Collections.unmodifiableMap(found);
          factories = m;
        }
      }
    }
    return m;
  }
}
