package io.quiver.flink.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Runs {@link SegmentBuilder} with what a function alone cannot do: emits finished background seals right before
 * every checkpoint barrier leaves the operator (without waiting for the unfinished ones, which the checkpoint holds in
 * the builder's {@code sealing} state), waits for all of them at the end of input, switches the key context to the
 * shard of a finished seal, and after a restore hands the ranges caught mid-seal back to the builder.
 */
public final class SegmentBuilderOperator extends KeyedProcessOperator<Integer, WalEnvelope, SealedPiece> {
  private static final long serialVersionUID = 1L;

  public SegmentBuilderOperator(SegmentBuilder builder) {
    super(builder);
  }

  @Override
  public void open() throws Exception {
    super.open();
    SegmentBuilder b = builder();
    b.attach(this::withKey);
    Map<Integer, List<SealingEntry>> restored = new LinkedHashMap<>();
    this.<Integer>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        SegmentBuilder.SEALING, (key, state) -> {
          List<SealingEntry> entries = new ArrayList<>();
          state.get().forEach(entries::add);
          if (!entries.isEmpty()) {
            restored.put(key, entries);
          }
        });
    for (Map.Entry<Integer, List<SealingEntry>> e : restored.entrySet()) {
      withKey(e.getKey(), () -> b.resume(e.getKey(), e.getValue()));
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    builder().emitFinished(false, this::emit);
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    builder().emitFinished(true, this::emit);
    super.finish();
  }

  private void withKey(int key, ThrowingRunnable<Exception> action) throws Exception {
    Object previous = getCurrentKey();
    setCurrentKey(key);
    try {
      action.run();
    } finally {
      if (previous != null) {
        setCurrentKey(previous);
      }
    }
  }

  private SegmentBuilder builder() {
    return (SegmentBuilder) userFunction;
  }

  private void emit(SealedPiece piece) {
    output.collect(new StreamRecord<>(piece));
  }
}
