package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.IngestionOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment builder's state across restores, driven through Flink's operator test harness against a local-folder
 * warehouse: a range caught mid-seal by a checkpoint is sealed again (once) after the restore; a restore from a
 * savepoint older than the manifest skips what the manifest covers; records of a partition beyond the shard count
 * are dead letters.
 */
class SegmentBuilderRestoreTest {
  private static final CollectionSchema SCHEMA = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("emb", 4, MetricType.L2).build();
  /** Holds seals inside the indexer (on the seal thread) until opened. */
  private static volatile CountDownLatch sealGate = new CountDownLatch(0);

  @TempDir Path tmp;
  private Catalog catalog;
  private final WalCodec codec = new WalCodec(SCHEMA);

  @BeforeEach
  void create() {
    sealGate = new CountDownLatch(0);
    catalog = Catalog.open(tmp.toUri().toString(), Map.of());
    catalog.create("c", SCHEMA, 2, Map.of(), Map.of());
  }

  private IngestionOptions options(long sealRows) {
    return IngestionOptions.builder("c", tmp.toUri().toString(), "127.0.0.1:9").sealRows(sealRows)
        .sealAge(Duration.ofHours(1)).indexer((conf, dir, schema, stats, specs) -> {
          try {
            if (!sealGate.await(1, TimeUnit.MINUTES)) {
              throw new IllegalStateException("seal gate not opened within a minute");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("seal interrupted", e);
          }
          return Map.of();
        }).build();
  }

  private static KeyedOneInputStreamOperatorTestHarness<Integer, WalEnvelope, SealedPiece> harness(
      IngestionOptions options) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(new SegmentBuilderOperator(new SegmentBuilder(options)),
        new ShardKeys(2), Types.INT, ShardKeys.MAX_PARALLELISM, 1, 0);
  }

  private WalEnvelope insert(int shard, long offset, long id) {
    return insert(shard, offset, id, 0);
  }

  private WalEnvelope insert(int shard, long offset, long id, long kafkaTimestamp) {
    Row row = Row.of(SCHEMA, Map.of("id", id, "emb", new float[] {id, 1, 2, 3}));
    byte[] value = codec.encode(WalRecord.insert(SCHEMA.version(), WalRecord.DEFAULT_PARTITION, id, row));
    return new WalEnvelope(shard, offset, kafkaTimestamp, Sharding.keyBytes(id), value);
  }

  private static List<SealedPiece> pieces(KeyedOneInputStreamOperatorTestHarness<?, ?, SealedPiece> h) {
    List<SealedPiece> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r && r.getValue() instanceof SealedPiece p) {
        out.add(p);
      }
    }
    return out;
  }

  /** Emits every seal still running, waiting for them (the end-of-input path). */
  private static void finish(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) throws Exception {
    h.getOneInputOperator().finish();
  }

  @Test
  void aRangeCaughtMidSealIsSealedAgainOnceAfterARestore() throws Exception {
    OperatorSubtaskState midSeal;
    CountDownLatch gate = new CountDownLatch(1);
    sealGate = gate;
    try (var h = harness(options(10))) {
      h.open();
      for (long o = 0; o < 10; o++) {
        h.processElement(new StreamRecord<>(insert(0, o, 100 + o)));
      }
      h.prepareSnapshotPreBarrier(1);
      midSeal = h.snapshot(1, 1);
      assertThat(pieces(h)).as("the seal is held, so nothing was emitted before the barrier").isEmpty();
      gate.countDown(); // the harness finishes the operator when closed; what it emits then is lost with it
    }

    OperatorSubtaskState afterSeal;
    try (var h = harness(options(10))) {
      h.initializeState(midSeal);
      h.open();
      finish(h);
      List<SealedPiece> out = pieces(h);
      assertThat(out).as("the range caught mid-seal, sealed again").hasSize(1);
      assertThat(out.get(0).shard).isZero();
      assertThat(out.get(0).firstOffset).isZero();
      assertThat(out.get(0).lastOffset).isEqualTo(9);
      assertThat(out.get(0).segments).contains("\"row-count\":10");
      h.prepareSnapshotPreBarrier(2);
      afterSeal = h.snapshot(2, 2);
    }
    try (var h = harness(options(10))) {
      h.initializeState(afterSeal);
      h.open();
      finish(h);
      assertThat(pieces(h)).as("an emitted piece's range is not in the next checkpoint").isEmpty();
    }
  }

  @Test
  void aRestoreFromASavepointOlderThanTheManifestSkipsWhatItCovers() throws Exception {
    OperatorSubtaskState old;
    try (var h = harness(options(1_000))) {
      h.open();
      for (long o = 0; o < 6; o++) {
        h.processElement(new StreamRecord<>(insert(0, o, 200 + o)));
      }
      h.prepareSnapshotPreBarrier(1);
      old = h.snapshot(1, 1);
    }
    // Meanwhile another run of the job committed offsets 0..3 of shard 0.
    catalog.committer("c").commit(CommitMessage.builder("stream").covers(0, 0, 3).commitId("other-run").build());

    try (var h = harness(options(4))) { // seals at 4 records: the 2 left from the savepoint + 6, 7
      h.initializeState(old);
      h.open();
      for (long o = 6; o < 8; o++) { // the source resumes where the savepoint left it
        h.processElement(new StreamRecord<>(insert(0, o, 200 + o)));
      }
      finish(h);
      List<SealedPiece> out = pieces(h);
      assertThat(out).hasSize(1);
      assertThat(out.get(0).firstOffset).as("starts after what the manifest covers").isEqualTo(4);
      assertThat(out.get(0).lastOffset).isEqualTo(7);
      assertThat(out.get(0).segments).contains("\"row-count\":4");
    }
  }

  @Test
  void theAgeSealWaitsWhileAShardDrainsABacklog_upToSixSealAges_andNotForFreshRecords() throws Exception {
    IngestionOptions oneSecond = IngestionOptions.builder("c", tmp.toUri().toString(), "127.0.0.1:9").sealRows(1_000)
        .sealAge(Duration.ofSeconds(1)).build();
    try (var h = harness(oneSecond)) {
      h.open();
      h.setProcessingTime(100_000);
      for (long o = 0; o < 5; o++) { // written 100 s ago: a backlog
        h.processElement(new StreamRecord<>(insert(0, o, 300 + o, 0)));
      }
      long offset = 5;
      for (long t = 101_000; t < 106_000; t += 1_000) {
        h.setProcessingTime(t - 500);
        h.processElement(new StreamRecord<>(insert(0, offset, 300 + offset, 0))); // still draining
        offset++;
        h.setProcessingTime(t);
        assertThat(h.numProcessingTimeTimers()).as("at %s ms the age seal is postponed, not done", t).isEqualTo(1);
      }
      h.setProcessingTime(106_000);
      assertThat(h.numProcessingTimeTimers()).as("six seal ages after the range opened it seals").isZero();
      h.processElement(new StreamRecord<>(insert(0, 10, 310, 105_900))); // a fresh record: caught up
      h.setProcessingTime(107_000);
      assertThat(h.numProcessingTimeTimers()).as("a fresh range seals at one seal age").isZero();
      h.processElement(new StreamRecord<>(insert(0, 11, 311, 0))); // old, but then nothing more arrives
      h.setProcessingTime(108_500);
      assertThat(h.numProcessingTimeTimers()).as("a backlog drained (no record for a second) seals").isZero();
      finish(h);
      List<SealedPiece> out = pieces(h);
      assertThat(out).hasSize(3);
      assertThat(out.get(0).lastOffset).isEqualTo(9);
      assertThat(out.get(1).firstOffset).isEqualTo(10);
      assertThat(out.get(2).firstOffset).isEqualTo(11);
    }
  }

  @Test
  void recordsOfAPartitionBeyondTheShardCountAreDeadLetters() throws Exception {
    try (var h = harness(options(1_000))) {
      h.open();
      h.processElement(new StreamRecord<>(insert(5, 0, 1)));
      var dead = h.getSideOutput(SegmentBuilder.DEAD_LETTERS);
      assertThat(dead).hasSize(1);
      assertThat(dead.peek().getValue().error).contains("Kafka partition 5 is not a shard of c, which has 2 shards");
    }
  }
}
