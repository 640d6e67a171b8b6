package io.quiver.flink.ingest;

import java.util.ArrayDeque;

/**
 * The growing segment of one shard inside its reader (the split's state; the task thread only). Offsets
 * {@code [openFirst, lastConsumed]} form the open range: consumed, not sealed yet; {@code range} holds its records as
 * read (the seal decodes them, last write wins by offset, deletes become a delete file). Ranges handed to the
 * seal thread wait in {@code sealing} until their piece is emitted. Every consumed offset (rows, deletes, superseded
 * rows, poison records) falls into exactly one sealed range, so committed ranges are contiguous.
 *
 * <p>Nothing here is checkpointed but {@link #restartOffset()}: a restore reads the rest again from the WAL.
 */
final class ShardGrowth {
  final int shard;
  /** A WAL partition beyond the collection's shard count: every record is a dead letter. */
  final boolean foreign;
  long openFirst;
  long lastConsumed;
  /** WAL records in the open range (the row-count seal trigger counts records, not distinct keys). */
  long records;
  /** Bytes of the WAL values in the open range. */
  long bytes;
  /** The open range's records as read, decoded only when the range seals. */
  RawRange range;
  /** Wall-clock time (ms) at which the open range's age seal is due, or -1 when the range is empty. */
  long deadline = -1;
  /** Whether the open range's age seal was due and waits for the shard's backlog to drain. */
  boolean postponed;
  /** Wall-clock time at which the open range got its first record. */
  long openedAt;
  /** Wall-clock time at which the last record was consumed. */
  long lastAt;
  /** How far behind the log (ms, now − Kafka timestamp) the last record was consumed; -1 before the first. */
  long lag = -1;
  /** First offsets of the ranges being sealed whose pieces are not emitted yet, oldest first. */
  final ArrayDeque<Long> sealing = new ArrayDeque<>();

  ShardGrowth(int shard, boolean foreign, long start, RawRange range) {
    this.shard = shard;
    this.range = range;
    this.foreign = foreign;
    this.openFirst = start;
    this.lastConsumed = start - 1;
  }

  boolean isOpen() {
    return lastConsumed >= openFirst;
  }

  /** Where a restore starts reading: the first offset of the oldest range whose piece has not been emitted. */
  long restartOffset() {
    return sealing.isEmpty() ? openFirst : sealing.peekFirst();
  }
}
