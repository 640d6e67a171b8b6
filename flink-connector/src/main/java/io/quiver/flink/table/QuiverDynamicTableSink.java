package io.quiver.flink.table;

import javax.annotation.Nullable;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.types.RowKind;

/**
 * The planner's view of a quiver table: an upsert sink (INSERT, UPDATE_AFTER, DELETE by primary key; UPDATE_BEFORE
 * is not needed and ignored if it comes) provided as a Sink V2 {@link WalRowSink}.
 */
final class QuiverDynamicTableSink implements DynamicTableSink {
  private final WalRowSink sink;
  @Nullable private final Integer parallelism;

  QuiverDynamicTableSink(WalRowSink sink, @Nullable Integer parallelism) {
    this.sink = sink;
    this.parallelism = parallelism;
  }

  @Override
  public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
    return ChangelogMode.newBuilder().addContainedKind(RowKind.INSERT).addContainedKind(RowKind.UPDATE_AFTER)
        .addContainedKind(RowKind.DELETE).build();
  }

  @Override
  public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
    return parallelism == null ? SinkV2Provider.of(sink) : SinkV2Provider.of(sink, parallelism);
  }

  @Override
  public DynamicTableSink copy() {
    return new QuiverDynamicTableSink(sink, parallelism);
  }

  @Override
  public String asSummaryString() {
    return "quiver[" + sink.collection() + "]";
  }
}
