package io.quiver.flink.ingest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The ingestion job's source reader: its fetcher thread polls the WAL partitions of its splits ({@link WalFetcher});
 * its task thread takes a poll's records of one partition at a time and turns each record into its shard's growing
 * segment ({@link SegmentGrowth}) right where it is read — no shuffle, no keyed state — and emits sealed pieces and
 * dead letters. Besides records, it wakes up for due age seals and finished background seals. A checkpoint stores one
 * offset per shard ({@link #toSplitType}).
 */
final class WalIngestReader
    extends SingleThreadMultiplexSourceReaderBase<List<ConsumerRecord<ByteBuffer, ByteBuffer>>, IngestEvent, WalSplit,
        ShardGrowth> {
  private final SegmentGrowth growth;
  /** Every split's growth (splits are only ever added): looked through before every batch, so a list, not a map. */
  private final List<ShardGrowth> growths = new ArrayList<>();
  private final ScheduledExecutorService timer;

  WalIngestReader(Supplier<SplitReader<List<ConsumerRecord<ByteBuffer, ByteBuffer>>, WalSplit>> fetchers,
      SegmentGrowth growth, SourceReaderContext context) {
    super(fetchers, (records, output, state) -> {
      Consumer<IngestEvent> out = output::collect;
      for (ConsumerRecord<ByteBuffer, ByteBuffer> r : records) {
        growth.add(state, r, System.currentTimeMillis(), out);
      }
    }, context.getConfiguration(), context);
    this.growth = growth;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quiver-seal-timer-" + context.getIndexOfSubtask());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public InputStatus pollNext(ReaderOutput<IngestEvent> output) throws Exception {
    Consumer<IngestEvent> out = output::collect;
    growth.emitFinished(false, out);
    growth.sealAged(System.currentTimeMillis(), growths, out);
    return super.pollNext(output);
  }

  /** Available when records are, when the oldest background seal finishes, or when the next age seal is due. */
  @Override
  public CompletableFuture<Void> isAvailable() {
    CompletableFuture<Void> records = super.isAvailable();
    if (records.isDone()) {
      return records;
    }
    CompletableFuture<Sealer.Result> seal = growth.oldestSeal();
    long due = growth.nextDeadline(growths);
    long now = System.currentTimeMillis();
    if ((seal != null && seal.isDone()) || due <= now) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> any = new CompletableFuture<>();
    records.whenComplete((v, e) -> any.complete(null));
    if (seal != null) {
      seal.whenComplete((v, e) -> any.complete(null));
    }
    if (due != Long.MAX_VALUE) {
      ScheduledFuture<?> wake = timer.schedule(() -> any.complete(null), due - now, TimeUnit.MILLISECONDS);
      any.whenComplete((v, e) -> wake.cancel(false));
    }
    return any;
  }

  @Override
  public void addSplits(List<WalSplit> splits) {
    super.addSplits(splits.stream().map(growth::clamp).toList());
  }

  @Override
  protected ShardGrowth initializedState(WalSplit split) {
    ShardGrowth g = growth.open(split);
    growths.add(g);
    return g;
  }

  @Override
  protected WalSplit toSplitType(String splitId, ShardGrowth state) {
    return new WalSplit(state.shard, state.restartOffset());
  }

  @Override
  protected void onSplitFinished(Map<String, ShardGrowth> finished) {
    throw new IllegalStateException("WAL splits never finish, yet " + finished.keySet() + " did");
  }

  @Override
  public void close() throws Exception {
    try {
      super.close();
    } finally {
      timer.shutdownNow();
      growth.close();
    }
  }
}
