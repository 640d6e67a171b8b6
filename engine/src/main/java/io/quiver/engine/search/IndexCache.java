package io.quiver.engine.search;

import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.index.IndexFiles;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.index.VectorIndexes;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.SegmentFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import javax.annotation.Nullable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Local copies of index files: an index is copied from object storage once (to a temporary name, then moved into
 * place), its checksum verified, and then opened memory-mapped from the local disk. Thread-safe.
 *
 * <p>The serving tier puts a size-bounded LRU in front of this; batch jobs use it as is.
 */
public final class IndexCache {
  private final java.nio.file.Path dir;

  public IndexCache(java.nio.file.Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create index cache directory " + dir, e);
    }
  }

  public java.nio.file.Path dir() {
    return dir;
  }

  /**
   * Opens the index {@code file} of {@code field} in segment {@code segmentId}.
   *
   * @param vectors the segment's vectors (GRAPH_PQ may be given null: it reranks from its own file)
   */
  public VectorIndex open(Configuration conf, Path collectionDir, String segmentId, FieldSchema field,
      IndexFile file, @Nullable VectorValues vectors) {
    Path remote = new Path(SegmentFiles.segmentDir(collectionDir, segmentId), file.file());
    java.nio.file.Path local = dir.resolve(collectionDir.getName()).resolve(segmentId).resolve(file.file());
    try {
      synchronized (this) {
        if (!Files.exists(local) || Files.size(local) != file.bytes()) {
          Files.createDirectories(local.getParent());
          java.nio.file.Path tmp = local.resolveSibling(local.getFileName() + ".tmp-" + Thread.currentThread().getId());
          FileSystem fs = remote.getFileSystem(conf);
          try (InputStream in = fs.open(remote)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          }
          IndexFiles.verifyChecksum(tmp);
          Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return VectorIndexes.factory(file.spec().kind()).open(vectors, field.metric(), local);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load index " + remote, e);
    }
  }
}
