package io.quiver.flink.ingest;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalDecodeException;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.FailurePoints;
import io.quiver.flink.IngestionOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The growing segment of each shard (keyed by {@link ShardKeys}), in keyed state shaped for RocksDB: a {@link MapState} from primary
 * key to its latest operation ({@link GrowingEntry}; last write wins by offset, deletes kept as tombstones with their
 * offset) and a small {@link ShardProgress}. Seals when the open range reaches {@code sealRows} records or
 * {@code sealBytes} bytes, or when its age timer fires: writes the segment and delete files ({@link Sealer}) and
 * emits a {@link SealedPiece} for the committer — all before the next checkpoint barrier passes, so a checkpoint
 * holds either the growing entries or the piece, never neither.
 *
 * <p>Sealing runs in the background so that the task thread keeps consuming: the seal takes the open range's entries
 * out of keyed state on the task thread, hands them to this subtask's single seal thread (at most
 * {@link #MAX_SEALS_IN_FLIGHT} at a time, FIFO, so one shard's pieces stay in offset order) and the finished pieces
 * are emitted on the task thread — as soon as they are done, and at the latest by {@link SegmentBuilderOperator}
 * before the next checkpoint barrier. Each record is decoded once, here, where a poison record can still become a
 * dead letter; the decoded row is kept beside the state (not in it) until the seal, and only entries restored from a
 * checkpoint are decoded again.
 *
 * <p>Records that cannot be decoded, do not match the schema, or whose key is not their primary key's bytes go to
 * {@link #DEAD_LETTERS} and still count as consumed. Records below the shard's sealed range (a replay of what a
 * manifest already covers) are skipped.
 */
public final class SegmentBuilder extends KeyedProcessFunction<Integer, WalEnvelope, SealedPiece> {
  // key = ShardKeys' stand-in of the shard; the shard itself is in ShardProgress
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SegmentBuilder.class);

  /** Side output of poison records. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("quiver-dead-letters", TypeInformation.of(DeadLetter.class));

  /** Seals handed to the seal thread and not emitted yet, beyond which the task thread waits (backpressure). */
  static final int MAX_SEALS_IN_FLIGHT = 2;

  private final IngestionOptions options;

  private transient CollectionSchema schema;
  private transient WalCodec codec;
  private transient Sealer sealer;
  private transient Map<Integer, Long> committed;
  private transient ValueState<ShardProgress> progress;
  private transient MapState<Object, GrowingEntry> growing;
  private transient Counter recordsIn;
  private transient Counter deadLetters;
  private transient Counter seals;
  /** By Flink key: pk → the decoded record behind the growing entry of the same offset. Not state: a cache. */
  private transient Map<Integer, Map<Object, Sealer.Decoded>> decoded;
  private transient ExecutorService sealThread;
  private transient ArrayDeque<Future<SealedPiece>> inFlight;

  public SegmentBuilder(IngestionOptions options) {
    this.options = options;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void open(OpenContext openContext) {
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Manifest m = catalog.current(options.collection());
    schema = m.schema();
    codec = new WalCodec(schema, m.previousSchemas());
    committed = m.committedOffsets();
    sealer = new Sealer(options.collection(), catalog.conf(), catalog.collectionDir(options.collection()), schema,
        m.indexSpecs(), options.indexer());
    TypeInformation pkType = schema.primaryKey().type() == DataType.INT64 ? Types.LONG : Types.STRING;
    growing = getRuntimeContext().getMapState(new MapStateDescriptor<Object, GrowingEntry>("growing", pkType,
        TypeInformation.of(GrowingEntry.class)));
    progress = getRuntimeContext().getState(new ValueStateDescriptor<>("progress",
        TypeInformation.of(ShardProgress.class)));
    recordsIn = getRuntimeContext().getMetricGroup().counter("quiverRecordsIn");
    deadLetters = getRuntimeContext().getMetricGroup().counter("quiverDeadLetters");
    seals = getRuntimeContext().getMetricGroup().counter("quiverSeals");
    decoded = new HashMap<>();
    inFlight = new ArrayDeque<>();
    String name = "quiver-sealer-" + options.collection() + "-"
        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    sealThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() throws Exception {
    if (sealThread != null) {
      // A seal cut short leaves files no manifest lists; a replay of its range rewrites them.
      sealThread.shutdownNow();
      sealThread.awaitTermination(30, TimeUnit.SECONDS);
    }
    super.close();
  }

  @Override
  public void processElement(WalEnvelope e, Context ctx, Collector<SealedPiece> out) throws Exception {
    FailurePoints.check(FailurePoints.RECORD);
    emitDone(out::collect);
    ShardProgress p = progress.value();
    if (p == null) {
      p = new ShardProgress(e.shard, committed.getOrDefault(e.shard, -1L) + 1);
    }
    if (e.offset < p.nextOffset) {
      return; // already sealed (and committed or about to be): a replay from an older position
    }
    if (!p.isOpen()) {
      p.timer = ctx.timerService().currentProcessingTime() + options.sealAgeMillis();
      ctx.timerService().registerProcessingTimeTimer(p.timer);
    }
    p.lastConsumed = e.offset;
    p.records++;
    p.bytes += e.value == null ? 0 : e.value.length;
    recordsIn.inc();
    WalRecord r = decode(e, ctx);
    if (r != null) {
      boolean delete = r.op() == WalOp.DELETE;
      growing.put(r.pk(), new GrowingEntry(e.offset, delete ? null : e.value));
      Map<Object, Sealer.Decoded> rows = decoded.computeIfAbsent(ctx.getCurrentKey(), k -> new HashMap<>());
      if (delete) {
        rows.remove(r.pk());
      } else {
        rows.put(r.pk(), new Sealer.Decoded(r, e.offset));
      }
    }
    if (p.records >= options.sealRows() || p.bytes >= options.sealBytes()) {
      seal(p, e.shard, ctx, out);
    }
    progress.update(p);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SealedPiece> out) throws Exception {
    emitDone(out::collect);
    ShardProgress p = progress.value();
    if (p != null && p.timer == timestamp && p.isOpen()) {
      seal(p, p.shard, ctx, out);
      progress.update(p);
    }
  }

  private WalRecord decode(WalEnvelope e, Context ctx) {
    String error;
    try {
      WalRecord r = codec.decode(e.value);
      if (r.schemaVersion() != schema.version()) {
        error = "schema version " + r.schemaVersion() + " is not the collection's current version "
            + schema.version() + "; the ingestion job does not convert rows between schema versions yet";
      } else if (e.key == null || !Arrays.equals(e.key, Sharding.keyBytes(r.pk()))) {
        error = "the record key is not the primary key's bytes (pk " + r.pk() + "), so its shard may be wrong";
      } else {
        return r;
      }
    } catch (WalDecodeException ex) {
      error = ex.getMessage();
    }
    deadLetters.inc();
    LOG.warn("Dead letter from shard {} offset {}: {}", e.shard, e.offset, error);
    ctx.output(DEAD_LETTERS, new DeadLetter(e, error));
    return null;
  }

  private void seal(ShardProgress p, int shard, Context ctx, Collector<SealedPiece> out) throws Exception {
    Map<Object, Sealer.Decoded> rows = decoded.remove(ctx.getCurrentKey());
    List<Sealer.Entry> entries = new ArrayList<>();
    for (Map.Entry<Object, GrowingEntry> en : growing.entries()) {
      GrowingEntry op = en.getValue();
      Sealer.Decoded d = rows == null || op.isDelete() ? null : rows.get(en.getKey());
      entries.add(new Sealer.Entry(en.getKey(), op, d != null && d.offset() == op.offset ? d.record() : null));
    }
    long first = p.nextOffset;
    long last = p.lastConsumed;
    while (inFlight.size() >= MAX_SEALS_IN_FLIGHT) {
      out.collect(result(inFlight.poll()));
    }
    inFlight.add(sealThread.submit(() -> sealer.seal(shard, first, last, entries)));
    seals.inc();
    LOG.debug("Sealing shard {} {}..{} ({} entries)", shard, first, last, entries.size());
    growing.clear();
    if (p.timer >= 0) {
      ctx.timerService().deleteProcessingTimeTimer(p.timer);
    }
    p.nextOffset = p.lastConsumed + 1;
    p.records = 0;
    p.bytes = 0;
    p.timer = -1;
  }

  /** Emits the pieces of the seals finished so far, in the order they were started. Task thread only. */
  private void emitDone(Consumer<SealedPiece> out) throws Exception {
    while (!inFlight.isEmpty() && inFlight.peek().isDone()) {
      out.accept(result(inFlight.poll()));
    }
  }

  /**
   * Waits for every seal in flight and emits its piece, in order; a failed seal fails the task (Flink restarts from
   * the last checkpoint, which still holds that range's growing entries). Task thread only.
   */
  void drain(Consumer<SealedPiece> out) throws Exception {
    while (!inFlight.isEmpty()) {
      out.accept(result(inFlight.poll()));
    }
  }

  private static SealedPiece result(Future<SealedPiece> seal) throws Exception {
    try {
      return seal.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    }
  }
}
