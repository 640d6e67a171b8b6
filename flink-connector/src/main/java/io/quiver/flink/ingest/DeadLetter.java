package io.quiver.flink.ingest;

/** A WAL record the job could not ingest, with the reason; goes to {@code quiver.<collection>.dlq}. A Flink POJO. */
public class DeadLetter {
  public int shard;
  public long offset;
  public byte[] key;
  public byte[] value;
  public String error;

  public DeadLetter() {}

  public DeadLetter(int shard, long offset, byte[] key, byte[] value, String error) {
    this.shard = shard;
    this.offset = offset;
    this.key = key;
    this.value = value;
    this.error = error;
  }
}
