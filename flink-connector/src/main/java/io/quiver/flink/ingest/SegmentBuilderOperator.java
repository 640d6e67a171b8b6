package io.quiver.flink.ingest;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link SegmentBuilder} and completes its background seals before every checkpoint barrier leaves the operator
 * ({@link #prepareSnapshotPreBarrier}) and at the end of input: the sealed pieces reach the committer inside the
 * checkpoint whose state no longer holds their growing entries, which keeps the ingestion exactly once.
 */
public final class SegmentBuilderOperator extends KeyedProcessOperator<Integer, WalEnvelope, SealedPiece> {
  private static final long serialVersionUID = 1L;

  public SegmentBuilderOperator(SegmentBuilder builder) {
    super(builder);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    builder().drain(this::emit);
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    builder().drain(this::emit);
    super.finish();
  }

  private SegmentBuilder builder() {
    return (SegmentBuilder) userFunction;
  }

  private void emit(SealedPiece piece) {
    output.collect(new StreamRecord<>(piece));
  }
}
