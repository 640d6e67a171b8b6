package io.quiver.flink.ingest;

/**
 * Per-shard bookkeeping of {@link SegmentBuilder} (keyed state, one value per shard). Offsets
 * {@code [nextOffset, lastConsumed]} form the open range: consumed, not sealed yet. Every consumed offset — rows,
 * deletes, superseded rows, poison records — falls into exactly one sealed range, so committed ranges are contiguous.
 */
public class ShardProgress {
  /** The shard (the Flink key is a spread-out stand-in, see {@link ShardKeys}). */
  public int shard;
  /** First offset of the open range (= one past the last sealed offset). */
  public long nextOffset;
  /** Last offset consumed, or {@code nextOffset - 1} when the open range is empty. */
  public long lastConsumed;
  /** WAL records in the open range (the row-count seal trigger counts records, not distinct keys). */
  public long records;
  /** Bytes of the WAL values in the open range. */
  public long bytes;
  /** Processing time of the age timer of the open range, or -1. */
  public long timer = -1;

  public ShardProgress() {}

  ShardProgress(int shard, long nextOffset) {
    this.shard = shard;
    this.nextOffset = nextOffset;
    this.lastConsumed = nextOffset - 1;
  }

  boolean isOpen() {
    return lastConsumed >= nextOffset;
  }
}
