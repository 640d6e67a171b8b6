package io.quiver.flink.ingest;

/**
 * What the WAL source emits: a sealed piece for the committer or a dead letter for the DLQ (exactly one is set).
 * {@link RouteDeadLetters} splits the two. A Flink POJO (no Kryo).
 */
public class IngestEvent {
  public SealedPiece piece;
  public DeadLetter deadLetter;

  public IngestEvent() {}

  static IngestEvent of(SealedPiece piece) {
    IngestEvent e = new IngestEvent();
    e.piece = piece;
    return e;
  }

  static IngestEvent of(DeadLetter deadLetter) {
    IngestEvent e = new IngestEvent();
    e.deadLetter = deadLetter;
    return e;
  }
}
