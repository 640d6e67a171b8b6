package io.quiver.examples.bench;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.index.ProgressListener;
import javax.annotation.Nullable;

/** One contestant of {@code bench ann}: builds over the data set, then answers queries from many threads. */
interface AnnEngine extends AutoCloseable {
  /** The JSON key: quiver, jvector, lucene, brute. */
  String name();

  /** Builds (and, for file-based engines, writes and opens) the index. Timed by the caller. */
  void build(AnnData data, ProgressListener progress) throws Exception;

  /** Bytes the index occupies (file or directory size; in-memory graph size for raw jvector); 0 for none. */
  long indexBytes();

  /** Whether {@code width} changes anything (brute force ignores it). */
  default boolean usesWidth() {
    return true;
  }

  /** The ordinals of the {@code k} best hits, best first. Called from several threads at once. */
  int[] search(float[] query, int k, int width, @Nullable FixedBitSet filter, int filterCount) throws Exception;

  @Override
  default void close() throws Exception {
  }
}
