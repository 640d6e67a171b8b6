package io.quiver.engine.index;

import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * An index kind, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.quiver.engine.index.VectorIndexFactory}; look one up with {@link
 * VectorIndexes#factory(String)}. Implementations are stateless and thread-safe.
 */
public interface VectorIndexFactory {
  /** The kind's name, upper case: FLAT, GRAPH, GRAPH_PQ. Written into every index file of this kind. */
  String kind();

  /** Every parameter this kind knows, with its default, in a stable order. */
  Map<String, String> defaultParams();

  /**
   * Checks user-given parameters (names are case-insensitive) and fills in defaults.
   *
   * @throws io.quiver.engine.schema.ValidationException naming the parameter, the value and the known parameters,
   *                                                      for an unknown name or a bad value
   */
  IndexParams validate(Map<String, String> params);

  /**
   * Builds an index over {@code vectors} and writes one index file (the layout in this package's docs) to {@code
   * out}. {@code out} is flushed, not closed. Uses a bounded thread pool (the {@code build_threads} parameter, where
   * the kind has one); temporary files go to {@code java.io.tmpdir} and are deleted before returning.
   */
  void build(VectorValues vectors, MetricType metric, IndexParams params, OutputStream out, ProgressListener progress)
      throws IOException;

  /**
   * Opens an index file from a local path (memory-mapped where the kind allows). Checks magic, format version,
   * length and CRC32C of the whole file, and that kind, metric, dimension and count match.
   *
   * @param vectors the segment's vectors, ordinal = row; GRAPH_PQ accepts null (it reranks with the vectors
   *                inside its file)
   * @throws CorruptIndexException when the file is damaged or not an index file
   */
  VectorIndex open(VectorValues vectors, MetricType metric, Path localIndexFile) throws IOException;

  /**
   * True when an index of this kind returns the segment's exact vectors from its own file ({@link
   * VectorIndex#vector}), so a reader may leave the vector column out of memory and open the index with null vectors
   * (GRAPH_PQ for L2 and IP: DiskANN's layout, compressed codes in memory, full vectors on disk).
   */
  default boolean holdsVectors(MetricType metric) {
    return false;
  }
}
