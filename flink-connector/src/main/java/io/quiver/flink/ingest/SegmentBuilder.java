package io.quiver.flink.ingest;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.RowUpgrade;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalDecodeException;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.FailurePoints;
import io.quiver.flink.IngestionOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
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
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The growing segment of each shard (keyed by {@link ShardKeys}), in keyed state shaped for RocksDB: a {@link MapState} from primary
 * key to its latest operation ({@link GrowingEntry}; last write wins by offset, deletes kept as tombstones with their
 * offset) and a small {@link ShardProgress}. Seals when the open range reaches {@code sealRows} records or
 * {@code sealBytes} bytes, or when its age timer fires: writes the segment and delete files ({@link Sealer}) and
 * emits a {@link SealedPiece} for the committer.
 *
 * <p>Sealing runs in the background so that the task thread keeps consuming: the seal moves the open range's entries
 * from {@code growing} to the {@code sealing} list state on the task thread and hands them to this subtask's seal
 * thread ({@link BackgroundSeals}, at most {@link #MAX_SEALS_IN_FLIGHT} at a time); a finished piece is emitted on the
 * task thread and its range dropped from {@code sealing} in the same step. So every checkpoint holds each consumed
 * offset exactly once: in {@code growing}, in {@code sealing} (a restore seals it again, under the same file names),
 * or in a piece that reached the committer before the barrier. Checkpoints never wait for a seal.
 *
 * <p>Each record is decoded once, here, where a poison record can still become a dead letter; the decoded row is kept
 * beside the state (not in it) until the seal, and only entries restored from a checkpoint are decoded again.
 * Records that cannot be decoded, do not match the schema (rows of an older schema version are converted when the
 * evolution allows it, see {@link RowUpgrade}), whose key is not their primary key's bytes, or that come from a
 * Kafka partition that is no shard of the collection go to {@link #DEAD_LETTERS} and still count as consumed. Records
 * the manifest already covers (a replay, or a restore from a savepoint older than the manifest) are skipped.
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

  /**
   * While a shard drains a backlog, its age seal waits until the open range is this many seal ages old (or full).
   */
  static final int BACKLOG_AGE_FACTOR = 6;

  /** Runs an action with another Flink key as the current key (the operator's key context), then restores it. */
  @FunctionalInterface
  interface KeyScope {
    void withKey(int key, ThrowingRunnable<Exception> action) throws Exception;
  }

  static final ListStateDescriptor<SealingEntry> SEALING =
      new ListStateDescriptor<>("sealing", TypeInformation.of(SealingEntry.class));

  private final IngestionOptions options;

  private transient CollectionSchema schema;
  private transient WalCodec codec;
  private transient Sealer sealer;
  private transient Map<Integer, Long> committed;
  private transient int shards;
  private transient ValueState<ShardProgress> progress;
  private transient MapState<Object, GrowingEntry> growing;
  private transient ListState<SealingEntry> sealing;
  private transient Counter recordsIn;
  private transient Counter deadLetters;
  private transient Counter seals;
  /** By Flink key: pk → the decoded record behind the growing entry of the same offset. Not state: a cache. */
  private transient Map<Integer, Map<Object, Sealer.Decoded>> decoded;
  /** By Flink key: how far behind the log (ms, processing time − Kafka timestamp) its last record was consumed. */
  private transient Map<Integer, Long> lag;
  /** By Flink key: processing time at which its last record was consumed. */
  private transient Map<Integer, Long> lastAt;
  /** By Flink key: processing time at which the open range got its first record in this run. */
  private transient Map<Integer, Long> openedAt;
  /** Conversions from older schema versions (null value: why that version cannot be converted). */
  private transient Map<Integer, Object> upgrades;
  private transient Map<Integer, CollectionSchema> previous;
  private transient BackgroundSeals background;
  private transient KeyScope keys;

  public SegmentBuilder(IngestionOptions options) {
    this.options = options;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void open(OpenContext openContext) {
    getRuntimeContext().registerUserCodeClassLoaderReleaseHookIfAbsent(ManifestSink.SHARED_CLIENTS_HOOK,
        Catalog::releaseSharedClients);
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    Manifest m = catalog.current(options.collection());
    schema = m.schema();
    codec = new WalCodec(schema, m.previousSchemas());
    committed = m.committedOffsets();
    shards = m.shards();
    sealer = new Sealer(options.collection(), catalog.conf(), catalog.collectionDir(options.collection()), schema,
        m.indexSpecs(), options.indexer());
    TypeInformation pkType = schema.primaryKey().type() == DataType.INT64 ? Types.LONG : Types.STRING;
    growing = getRuntimeContext().getMapState(new MapStateDescriptor<Object, GrowingEntry>("growing", pkType,
        TypeInformation.of(GrowingEntry.class)));
    progress = getRuntimeContext().getState(new ValueStateDescriptor<>("progress",
        TypeInformation.of(ShardProgress.class)));
    sealing = getRuntimeContext().getListState(SEALING);
    recordsIn = getRuntimeContext().getMetricGroup().counter("quiverRecordsIn");
    deadLetters = getRuntimeContext().getMetricGroup().counter("quiverDeadLetters");
    seals = getRuntimeContext().getMetricGroup().counter("quiverSeals");
    decoded = new HashMap<>();
    lag = new HashMap<>();
    lastAt = new HashMap<>();
    openedAt = new HashMap<>();
    upgrades = new HashMap<>();
    previous = new HashMap<>();
    m.previousSchemas().forEach(old -> previous.put(old.version(), old));
    background = new BackgroundSeals("quiver-sealer-" + options.collection() + "-"
        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), MAX_SEALS_IN_FLIGHT);
  }

  /** Called by {@link SegmentBuilderOperator} once open, before any record. */
  void attach(KeyScope scope) {
    this.keys = scope;
  }

  @Override
  public void close() throws Exception {
    if (background != null) {
      background.close();
    }
    super.close();
  }

  @Override
  public void processElement(WalEnvelope e, Context ctx, Collector<SealedPiece> out) throws Exception {
    FailurePoints.check(FailurePoints.RECORD);
    emitFinished(false, out::collect);
    if (e.shard < 0 || e.shard >= shards) {
      deadLetter(e, ctx, "Kafka partition " + e.shard + " is not a shard of " + options.collection() + ", which has "
          + shards + " shards (the WAL topic has more partitions than the collection)");
      return;
    }
    ShardProgress p = progress.value();
    if (p == null) {
      p = new ShardProgress(e.shard, committed.getOrDefault(e.shard, -1L) + 1);
    } else {
      skipCommitted(p, ctx);
    }
    if (e.offset < p.nextOffset) {
      return; // already sealed (and committed or about to be): a replay from an older position
    }
    long now = ctx.timerService().currentProcessingTime();
    if (!p.isOpen()) {
      p.timer = now + options.sealAgeMillis();
      openedAt.put(ctx.getCurrentKey(), now);
      ctx.timerService().registerProcessingTimeTimer(p.timer);
    }
    lag.put(ctx.getCurrentKey(), now - e.timestamp);
    lastAt.put(ctx.getCurrentKey(), now);
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
    emitFinished(false, out::collect);
    ShardProgress p = progress.value();
    if (p != null && p.timer == timestamp && p.isOpen()) {
      skipCommitted(p, ctx);
      if (p.isOpen() && drainingBacklog(timestamp, ctx.getCurrentKey())) {
        p.timer = timestamp + options.sealAgeMillis();
        ctx.timerService().registerProcessingTimeTimer(p.timer);
      } else if (p.isOpen()) {
        seal(p, p.shard, ctx, out);
      }
      progress.update(p);
    }
  }

  /**
   * Whether the age seal of an open range should wait: records are still arriving (the last one less than a second
   * ago) and the last one was already more than a seal age old (by its Kafka timestamp) when it was consumed, so the
   * shard is draining a backlog and sealing now would make a small segment without making fresh rows visible; the
   * range seals when full, when the shard has caught up or gone quiet (a later timer), or at {@link #BACKLOG_AGE_FACTOR} seal ages at the latest, which also bounds the effect of a producer
   * clock behind this one. After a restore the lag is unknown and the range seals as usual.
   */
  private boolean drainingBacklog(long now, int key) {
    Long behind = lag.get(key);
    Long opened = openedAt.get(key);
    Long last = lastAt.get(key);
    return behind != null && opened != null && behind > options.sealAgeMillis()
        && now - last < Math.min(1_000, options.sealAgeMillis())
        && now - opened < BACKLOG_AGE_FACTOR * options.sealAgeMillis();
  }

  /** Decodes a record (converting an older schema version's row), or sends it to the DLQ and returns null. */
  private WalRecord decode(WalEnvelope e, Context ctx) {
    String error;
    try {
      WalRecord r = codec.decode(e.value);
      boolean old = r.schemaVersion() != schema.version();
      if (old) {
        r = upgrade(r);
      }
      if (e.key == null || !Arrays.equals(e.key, Sharding.keyBytes(r.pk()))) {
        error = "the record key is not the primary key's bytes (pk " + r.pk() + "), so its shard may be wrong";
      } else {
        if (old) {
          e.value = codec.encode(r); // the growing state only ever holds current-version bytes
        }
        return r;
      }
    } catch (WalDecodeException | ValidationException ex) {
      error = ex.getMessage();
    }
    deadLetter(e, ctx, error);
    return null;
  }

  /** A record of an older schema version as a record of the current one. */
  private WalRecord upgrade(WalRecord r) {
    Object u = upgrades.computeIfAbsent(r.schemaVersion(), v -> {
      CollectionSchema old = previous.get(v);
      try {
        return RowUpgrade.of(old, schema);
      } catch (ValidationException ex) {
        return "schema version " + v + " cannot be converted to the collection's current version "
            + schema.version() + ": " + ex.getMessage();
      }
    });
    if (u instanceof String) {
      throw new WalDecodeException((String) u);
    }
    return r.row() == null
        ? WalRecord.delete(schema.version(), r.partition(), r.pk())
        : new WalRecord(r.op(), schema.version(), r.partition(), r.pk(), ((RowUpgrade) u).apply(r.row()));
  }

  private void deadLetter(WalEnvelope e, Context ctx, String error) {
    deadLetters.inc();
    LOG.warn("Dead letter from shard {} offset {}: {}", e.shard, e.offset, error);
    ctx.output(DEAD_LETTERS, new DeadLetter(e, error));
  }

  /**
   * Forgets the part of the open range the manifest already covers. Only a restore from a savepoint older than the
   * manifest gets here (a checkpoint is never older than the manifest, which commits completed checkpoints only).
   */
  private void skipCommitted(ShardProgress p, Context ctx) throws Exception {
    long c = committed.getOrDefault(p.shard, -1L);
    if (p.nextOffset > c) {
      return;
    }
    List<Object> stale = new ArrayList<>();
    long records = 0;
    long bytes = 0;
    for (Map.Entry<Object, GrowingEntry> en : growing.entries()) {
      if (en.getValue().offset <= c) {
        stale.add(en.getKey());
      } else {
        records++;
        bytes += en.getValue().isDelete() ? 0 : en.getValue().value.length;
      }
    }
    Map<Object, Sealer.Decoded> rows = decoded.get(ctx.getCurrentKey());
    for (Object pk : stale) {
      growing.remove(pk);
      if (rows != null) {
        rows.remove(pk);
      }
    }
    LOG.warn("Shard {}: the restored state starts at offset {} but the manifest of {} already covers up to {}; "
        + "skipping {} growing entries", p.shard, p.nextOffset, options.collection(), c, stale.size());
    p.nextOffset = c + 1;
    p.lastConsumed = Math.max(p.lastConsumed, c);
    p.records = records;
    p.bytes = bytes;
    if (!p.isOpen() && p.timer >= 0) {
      ctx.timerService().deleteProcessingTimeTimer(p.timer);
      p.timer = -1;
    }
    progress.update(p);
  }

  private void seal(ShardProgress p, int shard, Context ctx, Collector<SealedPiece> out) throws Exception {
    int key = ctx.getCurrentKey();
    long first = p.nextOffset;
    long last = p.lastConsumed;
    Map<Object, Sealer.Decoded> rows = decoded.remove(key);
    List<Sealer.Entry> entries = new ArrayList<>();
    List<SealingEntry> frozen = new ArrayList<>();
    frozen.add(SealingEntry.marker(shard, first, last));
    for (Map.Entry<Object, GrowingEntry> en : growing.entries()) {
      GrowingEntry op = en.getValue();
      Sealer.Decoded d = rows == null || op.isDelete() ? null : rows.get(en.getKey());
      entries.add(new Sealer.Entry(en.getKey(), op, d != null && d.offset() == op.offset ? d.record() : null));
      frozen.add(SealingEntry.of(shard, first, last, en.getKey(), op));
    }
    sealing.addAll(frozen);
    growing.clear();
    while (background.isFull()) {
      emitOne(true, out::collect);
    }
    background.submit(key, first, () -> sealer.seal(shard, first, last, entries));
    seals.inc();
    LOG.debug("Sealing shard {} {}..{} ({} entries)", shard, first, last, entries.size());
    if (p.timer >= 0) {
      ctx.timerService().deleteProcessingTimeTimer(p.timer);
    }
    p.nextOffset = p.lastConsumed + 1;
    p.records = 0;
    p.bytes = 0;
    p.timer = -1;
  }

  /**
   * Emits the pieces of finished seals in the order the seals started — with {@code waitAll}, after waiting for every
   * seal in flight — dropping each piece's range from {@code sealing} under its shard's key. A failed seal fails the
   * task (Flink restarts from the last checkpoint, which holds that range). Task thread only.
   */
  void emitFinished(boolean waitAll, Consumer<SealedPiece> out) throws Exception {
    while (emitOne(waitAll, out)) {
      // next
    }
  }

  private boolean emitOne(boolean wait, Consumer<SealedPiece> out) throws Exception {
    BackgroundSeals.InFlight f = background.next(wait);
    if (f == null) {
      return false;
    }
    SealedPiece piece = f.result();
    keys.withKey(f.key(), () -> dropSealing(f.first()));
    out.accept(piece);
    return true;
  }

  private void dropSealing(long first) throws Exception {
    List<SealingEntry> keep = new ArrayList<>();
    for (SealingEntry s : sealing.get()) {
      if (s.first != first) {
        keep.add(s);
      }
    }
    sealing.update(keep);
  }

  /**
   * After a restore: seals again, in offset order, the ranges the checkpoint caught in {@code sealing} (the current
   * key is theirs), minus what the manifest already covers. Called by {@link SegmentBuilderOperator#open}.
   */
  void resume(int key, List<SealingEntry> restored) throws Exception {
    Map<Long, List<SealingEntry>> ranges = new TreeMap<>();
    for (SealingEntry s : restored) {
      ranges.computeIfAbsent(s.first, k -> new ArrayList<>()).add(s);
    }
    List<SealingEntry> keep = new ArrayList<>();
    for (List<SealingEntry> range : ranges.values()) {
      SealingEntry m = range.get(0);
      int shard = m.shard;
      long c = committed.getOrDefault(shard, -1L);
      if (m.last <= c) {
        continue; // the manifest has it
      }
      long first = Math.max(m.first, c + 1);
      long last = m.last;
      List<Sealer.Entry> entries = new ArrayList<>();
      keep.add(SealingEntry.marker(shard, first, last));
      for (SealingEntry s : range) {
        if (!s.isMarker() && s.offset >= first) {
          entries.add(new Sealer.Entry(s.pk(), new GrowingEntry(s.offset, s.value), null));
          keep.add(SealingEntry.of(shard, first, last, s.pk(), new GrowingEntry(s.offset, s.value)));
        }
      }
      LOG.info("Shard {}: sealing {}..{} again ({} entries), restored mid-seal", shard, first, last, entries.size());
      background.submit(key, first, () -> sealer.seal(shard, first, last, entries));
    }
    sealing.update(keep);
  }
}
