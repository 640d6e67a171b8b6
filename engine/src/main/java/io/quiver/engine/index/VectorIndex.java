package io.quiver.engine.index;

import io.github.jbellis.jvector.util.Bits;
import java.io.Closeable;
import javax.annotation.Nullable;

/**
 * An opened vector index over one segment's vectors. It knows ordinals, vectors and an accept set, nothing else.
 *
 * <p>Thread-safety: {@link #search} may be called from many threads at once; {@link #close} must not race with
 * searches (the caller stops searching first). After close, the memory-mapped file may be unmapped at any time.
 */
public interface VectorIndex extends Closeable {
  /** The largest {@code k} a search accepts (Milvus's topk limit). */
  int MAX_K = 16_384;

  /**
   * The {@code k} ordinals closest to {@code query}, best first, with exact user-facing distances.
   *
   * @param query  {@code dimension} finite floats; not modified, not retained
   * @param k      1..{@link #MAX_K}
   * @param opts   search knobs ({@link SearchOptions#DEFAULTS})
   * @param accept ordinals allowed in the answer, or null for all. Fewer than {@code k} hits come back only when fewer
   *               ordinals are accepted.
   * @throws io.quiver.engine.schema.ValidationException on a wrong query dimension, a NaN or infinite component, or
   *                                                      {@code k} out of range
   */
  SearchResult search(float[] query, int k, SearchOptions opts, @Nullable Bits accept);

  /**
   * Heap and off-heap bytes this index holds itself: graph upper layers, PQ codes, caches. Excludes the caller's
   * {@link VectorValues} and the page cache behind the memory-mapped file.
   */
  long ramBytesUsed();

  /**
   * The exact vector of {@code ordinal}, read from the index's own storage; only for kinds whose factory says
   * {@link VectorIndexFactory#holdsVectors} for this metric. A new array the caller owns.
   */
  default float[] vector(int ordinal) {
    throw new UnsupportedOperationException(kind() + " indexes do not return vectors");
  }

  /** The kind this index was built as (FLAT, GRAPH, GRAPH_PQ). */
  String kind();

  int dimension();

  int count();
}
