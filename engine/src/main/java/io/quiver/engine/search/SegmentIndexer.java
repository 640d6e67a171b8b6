package io.quiver.engine.search;

import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.index.IndexFiles;
import io.quiver.engine.index.IndexParams;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.index.VectorIndexFactory;
import io.quiver.engine.index.VectorIndexes;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Builds a vector index for one field of a sealed segment and stores it beside the segment's data, through the
 * Hadoop FileSystem API. Used at seal time (a cheap index), by the reindex job and by benchmarks: the one path from
 * segment vectors to an index file.
 */
public final class SegmentIndexer {
  private SegmentIndexer() {}

  /**
   * Builds {@code spec} over {@code field}'s vectors of {@code data} and writes
   * {@code <collectionDir>/segments/<id>/<field>.<kind>.qvi}. Overwrites (a retried task writes the same file).
   *
   * @return the manifest entry of the file, for a commit message
   */
  public static IndexFile build(Configuration conf, Path collectionDir, SegmentData data, FieldSchema field,
      IndexSpec spec, ProgressListener progress) {
    VectorIndexFactory factory = VectorIndexes.factory(spec.kind());
    IndexParams params = factory.validate(spec.params());
    String name = IndexFiles.fileName(field.name(), factory.kind());
    Path file = new Path(SegmentFiles.segmentDir(collectionDir, data.stats().segmentId()), name);
    VectorValues vectors = VectorValues.of(data.vectors(field.name()), field.dim());
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (OutputStream out = new BufferedOutputStream(fs.create(file, true), 1 << 20)) {
        factory.build(vectors, field.metric(), params, out, progress);
      }
      long bytes = fs.getFileStatus(file).getLen();
      return new IndexFile(name, new IndexSpec(factory.kind(), params.asMap()), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build the " + spec.kind() + " index of '" + field.name()
          + "' for segment " + data.stats().segmentId(), e);
    }
  }
}
