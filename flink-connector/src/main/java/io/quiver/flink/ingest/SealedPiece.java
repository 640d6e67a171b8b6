package io.quiver.flink.ingest;

/**
 * What one seal of one shard produced: the offset range it accounts for and the files written (JSON of the
 * manifest's own segment and delete-file entries; either list may be empty). Flows from {@link SegmentGrowth} (on
 * the WAL source) to {@link ManifestSink}. A Flink POJO (no Kryo).
 */
public class SealedPiece {
  public int shard;
  public long firstOffset;
  public long lastOffset;
  /** JSON array of {@code ManifestParser.segmentJson}. */
  public String segments;
  /** JSON array of {@code ManifestParser.deleteJson}. */
  public String deletes;

  public SealedPiece() {}

  public SealedPiece(int shard, long firstOffset, long lastOffset, String segments, String deletes) {
    this.shard = shard;
    this.firstOffset = firstOffset;
    this.lastOffset = lastOffset;
    this.segments = segments;
    this.deletes = deletes;
  }

  @Override
  public String toString() {
    return "shard " + shard + " " + firstOffset + ".." + lastOffset;
  }
}
