package io.quiver.flink.ingest;

/** A WAL record the job could not ingest, with the reason; goes to {@code quiver.<collection>.dlq}. A Flink POJO. */
public class DeadLetter {
  public int shard;
  public long offset;
  public byte[] key;
  public byte[] value;
  public String error;

  public DeadLetter() {}

  public DeadLetter(WalEnvelope e, String error) {
    this.shard = e.shard;
    this.offset = e.offset;
    this.key = e.key;
    this.value = e.value;
    this.error = error;
  }
}
