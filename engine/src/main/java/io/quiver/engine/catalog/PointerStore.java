package io.quiver.engine.catalog;

import java.io.IOException;
import javax.annotation.Nullable;
import org.apache.hadoop.fs.Path;

/**
 * Holds which manifest version of a collection is current and swaps it with compare-and-set. The only place where
 * commits become visible.
 *
 * <p>Implementations: {@link FileSystemPointerStore} (atomic no-overwrite publish of {@code v<N>.json} in a local or
 * HDFS folder) and, with the coordinator, a ZooKeeper store (compare-and-set on a znode version: clusters and S3).
 */
public interface PointerStore {
  /** The current version and its manifest file name (relative to the metadata directory). */
  record Pointer(long version, String file) {}

  /** The current pointer, or null when the collection has no version yet. */
  @Nullable
  Pointer current() throws IOException;

  /** The manifest file name a new version will have, given a unique id of the attempt. */
  String fileName(long version, String attemptId);

  /**
   * Makes {@code next} current if and only if {@code expected} still is. The manifest bytes are fully written at
   * {@code staged} (a temporary file in the metadata directory), which this call moves to {@code next.file()}.
   *
   * @return true when {@code next} is now current; false when another commit won (the store has removed
   *     {@code staged} and anything else of this attempt)
   * @throws IOException when the outcome is unknown: the swap may or may not have happened, and the caller must
   *     not delete anything it wrote
   */
  boolean swap(@Nullable Pointer expected, Pointer next, Path staged) throws IOException;
}
