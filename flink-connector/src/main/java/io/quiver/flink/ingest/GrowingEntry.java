package io.quiver.flink.ingest;

/**
 * The latest operation on one primary key in a shard's open range (a MapState value, by pk): last write wins by
 * offset. {@code value} is the encoded WAL record of an insert/upsert, null for a delete (a tombstone, which becomes
 * a delete-file entry when sealed). Kept encoded: compact in RocksDB and in checkpoints; the builder keeps the decoded
 * row beside the state until the seal (decoded again only after a restore).
 */
public class GrowingEntry {
  public long offset;
  public byte[] value;

  public GrowingEntry() {}

  GrowingEntry(long offset, byte[] value) {
    this.offset = offset;
    this.value = value;
  }

  boolean isDelete() {
    return value == null;
  }
}
