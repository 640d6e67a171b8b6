package io.quiver.flink.ingest;

/**
 * One entry of a range handed to the seal thread and not yet emitted as a {@link SealedPiece} (keyed list state of
 * {@link SegmentBuilder}): a checkpoint taken while the seal runs holds the range here, so a restore seals it again
 * (same range, same file names). Each range has one marker entry ({@code offset == -1}), so ranges without rows
 * (only deletes of unknown keys, poison records, superseded rows) survive too. A Flink POJO (no Kryo).
 */
public class SealingEntry {
  public int shard;
  /** First offset of the range. */
  public long first;
  /** Last offset of the range. */
  public long last;
  /** The entry's WAL offset, or -1 for the range marker. */
  public long offset;
  /** The primary key when it is a VARCHAR; null for INT64 keys (then {@link #pkLong}). */
  public String pkString;
  public long pkLong;
  /** The encoded WAL record of an insert/upsert; null for a delete (and the marker). */
  public byte[] value;

  public SealingEntry() {}

  static SealingEntry marker(int shard, long first, long last) {
    SealingEntry e = new SealingEntry();
    e.shard = shard;
    e.first = first;
    e.last = last;
    e.offset = -1;
    return e;
  }

  static SealingEntry of(int shard, long first, long last, Object pk, GrowingEntry op) {
    SealingEntry e = marker(shard, first, last);
    e.offset = op.offset;
    e.value = op.value;
    if (pk instanceof String) {
      e.pkString = (String) pk;
    } else {
      e.pkLong = (Long) pk;
    }
    return e;
  }

  boolean isMarker() {
    return offset < 0;
  }

  Object pk() {
    return pkString != null ? pkString : (Object) pkLong;
  }
}
