package io.quiver.flink.ingest;

/**
 * A WAL record as read from Kafka, not decoded yet: decoding happens in {@link SegmentBuilder} so that a poison
 * record becomes a dead letter there, with its offset still accounted for. A Flink POJO (no Kryo).
 */
public class WalEnvelope {
  /** Kafka partition = shard. */
  public int shard;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public WalEnvelope() {}

  public WalEnvelope(int shard, long offset, long timestamp, byte[] key, byte[] value) {
    this.shard = shard;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  public int getShard() {
    return shard;
  }
}
