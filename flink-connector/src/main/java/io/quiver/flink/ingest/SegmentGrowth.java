package io.quiver.flink.ingest;

import io.quiver.engine.catalog.Manifest;
import io.quiver.flink.FailurePoints;
import io.quiver.flink.IngestionOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The growing segments of one reader's shards: each WAL record's bytes are appended, as they arrive, to its shard's
 * open range ({@link ShardGrowth}, {@link RawRange}: pooled chunks, no decoding on the task thread); a range seals when
 * it reaches {@code sealRows} records or {@code sealBytes} bytes, or when its age seal is due. Seals run on the
 * reader's seal thread ({@link BackgroundSeals}, at most {@link #MAX_SEALS_IN_FLIGHT} at a time, then the task thread
 * waits: backpressure), which reads each record once and writes the files ({@link Sealer}); a finished seal's
 * {@link SealedPiece} and dead letters are emitted on the task thread, in the order the seals started.
 *
 * <p>Exactly once without the rows in checkpoints: a checkpoint records per shard only
 * {@link ShardGrowth#restartOffset()}, the first offset not yet emitted in a piece. A piece emitted before the
 * checkpoint's barrier reaches the committer with that checkpoint; everything after is read again from the WAL on
 * restore and sealed again (under new file names when the seal boundaries differ; unlisted files are orphans that
 * garbage collection removes). Records the manifest already covers (a restore from a savepoint older than the
 * manifest) are skipped by starting the shard one past the manifest's offset.
 *
 * <p>Records that cannot be decoded, do not match the schema or whose key is not their primary key's bytes are
 * emitted as dead letters with their range's piece (the seal finds them); records of a partition that is no shard of
 * the collection at once. Both still count as consumed.
 * Task thread only.
 */
final class SegmentGrowth implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentGrowth.class);

  /** Seals handed to the seal thread and not emitted yet, beyond which the task thread waits (backpressure). */
  static final int MAX_SEALS_IN_FLIGHT = 2;

  /**
   * While a shard drains a backlog, its age seal waits until the open range is this many seal ages old (or full).
   */
  static final int BACKLOG_AGE_FACTOR = 6;

  private final IngestionOptions options;
  private final Sealer sealer;
  private final RawRange.Pool chunks;
  private final int shards;
  private final Map<Integer, Long> committed;
  private final BackgroundSeals background;
  private final Counter recordsIn;
  private final Counter deadLetters;
  private final Counter seals;

  /** By partition: its end offset as the fetcher last saw it (absent until known). */
  private final Map<Integer, Long> ends;

  SegmentGrowth(IngestionOptions options, Manifest m, Sealer sealer, MetricGroup metrics, String threadName,
      Map<Integer, Long> ends) {
    this.options = options;
    this.ends = ends;
    this.sealer = sealer;
    // free chunks kept for reuse: what the ranges in flight and a few open ones hold at their largest
    this.chunks = new RawRange.Pool((MAX_SEALS_IN_FLIGHT + 2) * options.sealBytes());
    this.shards = m.shards();
    this.committed = new HashMap<>(m.committedOffsets());
    this.background = new BackgroundSeals(threadName, MAX_SEALS_IN_FLIGHT);
    this.recordsIn = metrics.counter("quiverRecordsIn");
    this.deadLetters = metrics.counter("quiverDeadLetters");
    this.seals = metrics.counter("quiverSeals");
  }

  /**
   * The split as this reader starts it: a shard never starts at or before the manifest's committed offset (only a
   * savepoint older than the manifest gets here).
   */
  WalSplit clamp(WalSplit split) {
    if (split.partition() >= shards) {
      return split;
    }
    long c = committed.getOrDefault(split.partition(), -1L);
    if (split.startOffset() > c) {
      return split;
    }
    LOG.warn("Shard {}: the restored state starts at offset {} but the manifest of {} already covers up to {}; "
        + "starting at {}", split.partition(), split.startOffset(), options.collection(), c, c + 1);
    return new WalSplit(split.partition(), c + 1);
  }

  ShardGrowth open(WalSplit split) {
    return new ShardGrowth(split.partition(), split.partition() >= shards, split.startOffset(),
        new RawRange(chunks, 1024)); // grows by doubling; later ranges start at the size of the last one
  }

  /**
   * Takes one record of {@code s}'s partition, consumed at wall-clock time {@code now}. Finished seals are emitted by
   * the caller ({@link #emitFinished}, which the reader runs before every batch of records), or here when the seal queue
   * is full.
   */
  void add(ShardGrowth s, ConsumerRecord<ByteBuffer, ByteBuffer> r, long now, Consumer<IngestEvent> out)
      throws Exception {
    FailurePoints.check(FailurePoints.RECORD);
    long offset = r.offset();
    if (offset < s.openFirst) {
      return; // before where the shard starts (sealed already)
    }
    recordsIn.inc();
    if (s.foreign) {
      s.openFirst = offset + 1;
      s.lastConsumed = offset;
      deadLetter(r, "Kafka partition " + s.shard + " is not a shard of " + options.collection() + ", which has "
          + shards + " shards (the WAL topic has more partitions than the collection)", out);
      return;
    }
    if (!s.isOpen()) {
      s.openedAt = now;
      // the range is due a seal age after its first record was written (not read): rows read from a backlog have
      // waited already, and once the backlog is drained their range seals at once (see drainingBacklog)
      long written = r.timestamp() >= 0 ? Math.min(now, r.timestamp()) : now;
      s.deadline = written + options.sealAgeMillis();
    }
    s.lag = now - r.timestamp();
    s.lastAt = now;
    s.lastConsumed = offset;
    s.records++;
    ByteBuffer value = r.value();
    s.bytes += value == null ? 0 : value.remaining();
    s.range.add(offset, r.key(), value);
    if (s.records >= options.sealRows() || s.bytes >= options.sealBytes()) {
      seal(s, out);
    }
  }

  private void deadLetter(ConsumerRecord<ByteBuffer, ByteBuffer> r, String error, Consumer<IngestEvent> out) {
    deadLetter(new DeadLetter(r.partition(), r.offset(), Utils.toNullableArray(r.key()),
        Utils.toNullableArray(r.value()), error), out);
  }

  private void deadLetter(DeadLetter d, Consumer<IngestEvent> out) {
    deadLetters.inc();
    LOG.warn("Dead letter from shard {} offset {}: {}", d.shard, d.offset, d.error);
    out.accept(IngestEvent.of(d));
  }

  /**
   * Seals every open range whose age seal is due, unless its shard is draining a backlog (see
   * {@link #drainingBacklog}); a range postponed so seals on the first call that finds the backlog drained.
   */
  void sealAged(long now, Collection<ShardGrowth> growths, Consumer<IngestEvent> out) throws Exception {
    for (ShardGrowth s : growths) {
      if (s.isOpen() && (now >= s.deadline || s.postponed)) {
        if (drainingBacklog(s, now)) {
          s.postponed = true; // looked at on every call from now on, and at least once a second
          s.deadline = Math.max(s.deadline, now + Math.min(1_000, options.sealAgeMillis()));
        } else {
          seal(s, out);
        }
      }
    }
  }

  /** The earliest age seal due among {@code growths}, or {@link Long#MAX_VALUE}. */
  long nextDeadline(Collection<ShardGrowth> growths) {
    long next = Long.MAX_VALUE;
    for (ShardGrowth s : growths) {
      if (s.isOpen()) {
        next = Math.min(next, s.deadline);
      }
    }
    return next;
  }

  /**
   * Whether the age seal of an open range should wait: the shard has records this reader has not taken yet (its
   * end offset as the fetcher last saw it is beyond the last record taken; before the fetcher knows it: the last
   * record came less than a second ago) and the last one was already more than a second old (by its Kafka
   * timestamp; at most a seal age) when it was consumed — a caught-up reader reads records milliseconds after they
   * are written — so the shard is draining a backlog and sealing now would make a small segment without making fresh
   * rows visible; the range seals when full, as soon as the shard has caught up, or at {@link #BACKLOG_AGE_FACTOR}
   * seal ages after it opened at the latest, which also bounds the effect of a producer clock behind this one.
   */
  private boolean drainingBacklog(ShardGrowth s, long now) {
    long age = options.sealAgeMillis();
    long second = Math.min(1_000, age);
    Long end = ends.get(s.shard);
    boolean more = end != null ? s.lastConsumed + 1 < end : now - s.lastAt < second;
    return s.lag > second && more && now - s.openedAt < BACKLOG_AGE_FACTOR * age;
  }

  private void seal(ShardGrowth s, Consumer<IngestEvent> out) throws Exception {
    int shard = s.shard;
    long first = s.openFirst;
    long last = s.lastConsumed;
    RawRange records = s.range;
    s.range = new RawRange(chunks, records.size()); // sized like the last range
    while (background.isFull()) {
      emitOne(true, out);
    }
    s.sealing.addLast(first);
    long started = System.nanoTime();
    background.submit(s, first, () -> {
      long t0 = System.nanoTime();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long user0 = threads.getCurrentThreadUserTime();
      try {
        Sealer.Result sealed = sealer.seal(shard, first, last, records);
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long kernel = cpu - (threads.getCurrentThreadUserTime() - user0);
        LOG.info("Sealed shard {} {}..{}: {} records in {} ms, CPU {} ms of which kernel {} ms ({} ms after the seal "
            + "was asked for)", shard, first, last, records.size(), (System.nanoTime() - t0) / 1_000_000,
            cpu / 1_000_000, kernel / 1_000_000, (System.nanoTime() - started) / 1_000_000);
        return sealed;
      } finally {
        records.release();
      }
    });
    seals.inc();
    s.openFirst = last + 1;
    s.records = 0;
    s.bytes = 0;
    s.deadline = -1;
    s.postponed = false;
  }

  /**
   * Emits the pieces of finished seals in the order the seals started — with {@code waitAll}, after waiting for every
   * seal in flight. A failed seal fails the task (Flink restarts from the last checkpoint, whose offsets precede that
   * range). Returns whether it emitted anything.
   */
  boolean emitFinished(boolean waitAll, Consumer<IngestEvent> out) throws Exception {
    boolean any = false;
    while (emitOne(waitAll, out)) {
      any = true;
    }
    return any;
  }

  private boolean emitOne(boolean wait, Consumer<IngestEvent> out) throws Exception {
    BackgroundSeals.InFlight f = background.next(wait);
    if (f == null) {
      return false;
    }
    Sealer.Result sealed = f.result();
    Long first = f.shard().sealing.pollFirst();
    if (first == null || first != f.first()) {
      throw new IllegalStateException("Shard " + f.shard().shard + ": sealed range " + f.first()
          + ".. finished out of order (expected " + first + "..)");
    }
    for (DeadLetter d : sealed.deadLetters()) {
      deadLetter(d, out);
    }
    out.accept(IngestEvent.of(sealed.piece()));
    return true;
  }

  /** The oldest seal in flight (completes when its piece can be emitted), or null. */
  @Nullable
  CompletableFuture<Sealer.Result> oldestSeal() {
    return background.head();
  }

  @Override
  public void close() throws InterruptedException {
    background.close();
  }
}
