package io.quiver.flink.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sealed pieces go on (to the committer), dead letters to the {@link #DEAD_LETTERS} side output (to the DLQ). */
public final class RouteDeadLetters extends ProcessFunction<IngestEvent, SealedPiece> {
  private static final long serialVersionUID = 1L;

  /** Side output of poison records. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("quiver-dead-letters", TypeInformation.of(DeadLetter.class));

  @Override
  public void processElement(IngestEvent e, Context ctx, Collector<SealedPiece> out) {
    if (e.piece != null) {
      out.collect(e.piece);
    } else {
      ctx.output(DEAD_LETTERS, e.deadLetter);
    }
  }
}
