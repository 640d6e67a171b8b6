package io.quiver.engine.segment;

import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.Path;

/** Names and paths of segment and delete files under a collection's directory (layout in package-info). */
public final class SegmentFiles {
  public static final String SEGMENTS_DIR = "segments";
  public static final String DELETES_DIR = "deletes";
  public static final String DATA_FILE = "data.parquet";
  public static final String STATS_FILE = "stats.json";

  private SegmentFiles() {}

  /**
   * The deterministic id of a segment sealed from WAL offsets {@code first..last} of {@code shard}: a replay after a
   * failure seals the same offsets into the same name and overwrites the same files. The collection is part of the
   * path, and its name feeds the id's check digits so that ids never collide across collections in shared caches.
   */
  public static String walSegmentId(String collection, int shard, long firstOffset, long lastOffset) {
    if (shard < 0 || firstOffset < 0 || lastOffset < firstOffset) {
      throw new IllegalArgumentException("Bad WAL segment range: shard " + shard + ", offsets " + firstOffset + ".."
          + lastOffset);
    }
    return String.format(Locale.ROOT, "w%04d-%019d-%019d-%08x", shard, firstOffset, lastOffset,
        (collection + "/" + shard + "/" + firstOffset + "/" + lastOffset).hashCode());
  }

  /** Id of a segment written by a batch job (bulk import, compaction, reindex): {@code <kind>-<uuid>}. */
  public static String batchSegmentId(String kind) {
    return kind + "-" + UUID.randomUUID();
  }

  /** Id of a segment written by a batch job, derived from a stable job/task identity (idempotent retries). */
  public static String batchSegmentId(String kind, String stableIdentity) {
    return kind + "-" + UUID.nameUUIDFromBytes(stableIdentity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public static Path segmentDir(Path collectionDir, String segmentId) {
    return new Path(new Path(collectionDir, SEGMENTS_DIR), segmentId);
  }

  /** A delete file of {@code shard} covering WAL offsets {@code first..last}. */
  public static String walDeleteFile(int shard, long firstOffset, long lastOffset) {
    return String.format(Locale.ROOT, "%s/%04d/d-%019d-%019d.parquet", DELETES_DIR, shard, firstOffset, lastOffset);
  }

  /** A delete file written by a batch job (SQL DELETE, upsert import). */
  public static String batchDeleteFile(int shard, String stableIdentity) {
    return String.format(Locale.ROOT, "%s/%04d/b-%s.parquet", DELETES_DIR, shard,
        UUID.nameUUIDFromBytes(stableIdentity.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
