package io.quiver.flink.ingest;

import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.segment.SegmentStats;
import java.io.Serializable;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The seam where a cheap index (FLAT, a small graph) is built for a freshly sealed segment, before the segment is
 * handed to the committer. {@link #NONE} builds nothing: segments without index files are searched by brute force
 * until Spark's reindex job indexes them.
 */
@FunctionalInterface
public interface SegmentIndexer extends Serializable {
  /** Builds no index. */
  SegmentIndexer NONE = (conf, segmentDir, schema, stats, specs) -> Map.of();

  /** Builds the collection's own index spec at every seal ({@link SpecIndexer}). */
  SegmentIndexer COLLECTION_SPEC = new SpecIndexer();

  /**
   * Builds index files for one sealed segment, inside {@code segmentDir}; called once per seal, on the subtask's seal thread,
   * after the data and stats files are written. Must be deterministic in its file names (a replay rewrites them).
   *
   * @param specs the collection's index spec per vector field
   * @return index files by vector field name (fields left out are searched by brute force)
   */
  Map<String, IndexFile> index(Configuration conf, Path segmentDir, CollectionSchema schema, SegmentStats stats,
      Map<String, IndexSpec> specs);
}
