package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.IngestionOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The growing segments of a reader against a local-folder warehouse: what a checkpoint records per shard (the first
 * offset not yet emitted in a piece), that reading again from it after a restore seals every offset exactly once,
 * last write wins, deletes, the manifest clamp for old savepoints, the backlog rule of the age seal, and dead letters.
 */
class SegmentGrowthTest {
  private static final CollectionSchema SCHEMA = CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("emb", 4, MetricType.L2).build();
  /** Holds seals inside the indexer (on the seal thread) until opened. */
  private static volatile CountDownLatch sealGate = new CountDownLatch(0);

  @TempDir Path tmp;
  private Catalog catalog;
  private final WalCodec codec = new WalCodec(SCHEMA);
  private final List<IngestEvent> out = new ArrayList<>();
  /** End offsets by partition as a fetcher would publish them (none: the time-based fallback). */
  private final Map<Integer, Long> ends = new java.util.HashMap<>();

  @BeforeEach
  void create() {
    sealGate = new CountDownLatch(0);
    catalog = Catalog.open(tmp.toUri().toString(), Map.of());
    catalog.create("c", SCHEMA, 2, Map.of(), Map.of());
  }

  private IngestionOptions options(long sealRows, Duration sealAge) {
    return IngestionOptions.builder("c", tmp.toUri().toString(), "127.0.0.1:9").sealRows(sealRows)
        .sealAge(sealAge).indexer((conf, dir, schema, stats, specs) -> {
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

  /** The sealer of the last {@link #growth}. */
  private Sealer sealer;

  private SegmentGrowth growth(IngestionOptions options) {
    Manifest m = catalog.current("c");
    sealer = new Sealer("c", catalog.conf(), catalog.collectionDir("c"), m.schema(), m.previousSchemas(),
        m.indexSpecs(), options.indexer());
    return new SegmentGrowth(options, m, sealer, new UnregisteredMetricsGroup(), "test-sealer", ends);
  }

  private ConsumerRecord<ByteBuffer, ByteBuffer> insert(int shard, long offset, long id, long kafkaTimestamp) {
    Row row = Row.of(SCHEMA, Map.of("id", id, "emb", new float[] {id, 1, 2, 3}));
    byte[] value = codec.encode(WalRecord.insert(SCHEMA.version(), WalRecord.DEFAULT_PARTITION, id, row));
    return record(shard, offset, kafkaTimestamp, Sharding.keyBytes(id), value);
  }

  private ConsumerRecord<ByteBuffer, ByteBuffer> delete(int shard, long offset, long id) {
    byte[] value = codec.encode(WalRecord.delete(SCHEMA.version(), WalRecord.DEFAULT_PARTITION, id));
    return record(shard, offset, 0, Sharding.keyBytes(id), value);
  }

  private static ConsumerRecord<ByteBuffer, ByteBuffer> record(int shard, long offset, long ts, byte[] key,
      byte[] value) {
    return new ConsumerRecord<>("quiver.c.wal", shard, offset, ts,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME, key.length, value.length, ByteBuffer.wrap(key),
        ByteBuffer.wrap(value), new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty());
  }

  private List<SealedPiece> pieces() {
    return out.stream().filter(e -> e.piece != null).map(e -> e.piece).toList();
  }

  private List<DeadLetter> deadLetters() {
    return out.stream().filter(e -> e.deadLetter != null).map(e -> e.deadLetter).toList();
  }

  @Test
  void aCheckpointRecordsTheFirstOffsetNotEmitted_andReadingAgainFromItSealsEveryOffsetOnce() throws Exception {
    IngestionOptions options = options(10, Duration.ofHours(1));
    long restart;
    CountDownLatch gate = new CountDownLatch(1);
    sealGate = gate;
    try (SegmentGrowth g = growth(options)) {
      ShardGrowth s = g.open(g.clamp(new WalSplit(0, 0)));
      for (long o = 0; o < 13; o++) {
        g.add(s, insert(0, o, 100 + o, 0), 1_000, out::add);
      }
      assertThat(pieces()).as("the seal of 0..9 is held, so nothing was emitted").isEmpty();
      restart = s.restartOffset();
      assertThat(restart).as("a checkpoint now restarts at the range being sealed").isZero();
      gate.countDown();
      g.emitFinished(true, out::add);
      assertThat(pieces()).hasSize(1);
      assertThat(s.restartOffset()).as("once its piece is emitted, the open range's first offset").isEqualTo(10);
    }
    // The job failed before the piece reached a checkpoint: the restore reads from offset 0 again.
    out.clear();
    try (SegmentGrowth g = growth(options)) {
      ShardGrowth s = g.open(g.clamp(new WalSplit(0, restart)));
      for (long o = restart; o < 20; o++) {
        g.add(s, insert(0, o, 100 + o, 0), 2_000, out::add);
      }
      g.emitFinished(true, out::add);
      List<SealedPiece> p = pieces();
      assertThat(p).hasSize(2);
      assertThat(p.get(0).firstOffset).isZero();
      assertThat(p.get(0).lastOffset).isEqualTo(9);
      assertThat(p.get(0).segments).contains("\"row-count\":10");
      assertThat(p.get(1).firstOffset).isEqualTo(10);
      assertThat(p.get(1).lastOffset).isEqualTo(19);
      assertThat(s.restartOffset()).isEqualTo(20);
    }
  }

  @Test
  void lastWriteWinsAndDeletesBecomeADeleteFile() throws Exception {
    try (SegmentGrowth g = growth(options(6, Duration.ofHours(1)))) {
      ShardGrowth s = g.open(new WalSplit(1, 0));
      g.add(s, insert(1, 0, 7, 0), 1, out::add);
      g.add(s, insert(1, 1, 8, 0), 1, out::add);
      g.add(s, insert(1, 2, 7, 0), 1, out::add); // upsert of 7
      g.add(s, delete(1, 3, 8), 1, out::add);
      g.add(s, delete(1, 4, 9), 1, out::add); // a row sealed earlier
      g.add(s, insert(1, 5, 10, 0), 1, out::add);
      g.emitFinished(true, out::add);
      SealedPiece p = pieces().get(0);
      assertThat(p.firstOffset).isZero();
      assertThat(p.lastOffset).isEqualTo(5);
      assertThat(p.segments).as("rows 7 (offset 2) and 10").contains("\"row-count\":2");
      assertThat(p.deletes).as("deletes of 8 and 9").contains("\"count\":2");
    }
  }

  @Test
  void aPoisonRecordNeverHidesAnEarlierValidWriteOfItsKey_andEveryPoisonRecordIsADeadLetter() throws Exception {
    byte[] poison = "not a WAL record".getBytes(StandardCharsets.UTF_8);
    try (SegmentGrowth g = growth(options(9, Duration.ofHours(1)))) {
      ShardGrowth s = g.open(new WalSplit(1, 0));
      g.add(s, insert(1, 0, 7, 0), 1, out::add);
      g.add(s, record(1, 1, 0, Sharding.keyBytes(7L), poison), 1, out::add); // poison with 7's key: 7 stays
      g.add(s, insert(1, 2, 9, 0), 1, out::add);
      g.add(s, record(1, 3, 0, Sharding.keyBytes(9L), poison), 1, out::add); // poison before the upsert of 9
      g.add(s, upsert(1, 4, 9), 1, out::add); // 9's latest valid write: offset 4
      g.add(s, record(1, 5, 0, Sharding.keyBytes(9L), poison), 1, out::add);
      g.add(s, insert(1, 6, 11, 0), 1, out::add);
      g.add(s, delete(1, 7, 11), 1, out::add); // 11 deleted in the same range
      g.add(s, record(1, 8, 0, Sharding.keyBytes(11L), poison), 1, out::add); // the delete still wins
      g.emitFinished(true, out::add);
      assertThat(deadLetters()).extracting(d -> d.offset).containsExactly(1L, 3L, 5L, 8L);
      SealedPiece p = pieces().get(0);
      assertThat(p.lastOffset).isEqualTo(8);
      assertThat(p.deletes).as("the delete of 11").contains("\"count\":1");
      Map<Object, float[]> rows = sealedRows(p);
      assertThat(rows.keySet()).containsExactlyInAnyOrder(7L, 9L);
      assertThat(rows.get(7L)[0]).isEqualTo(7f);
      assertThat(rows.get(9L)[0]).as("the upsert's vector").isEqualTo(-9f);
    }
  }

  /**
   * Records parsed in place (most) and records decoded (the rest) in one range: both kinds of rows land in the
   * segments of their partitions, and what only the decoder can name becomes a dead letter with its reason.
   */
  @Test
  void recordsParsedInPlaceAndDecodedRecordsSealTogether() throws Exception {
    Row nan = Row.of(SCHEMA, Map.of("id", 23L, "emb", new float[] {23, 1, 2, 3}));
    byte[] nanValue = codec.encode(WalRecord.insert(SCHEMA.version(), WalRecord.DEFAULT_PARTITION, 23L, nan));
    byte[] twentyThree = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(23f).array();
    int at = -1;
    for (int i = 0; i + 4 <= nanValue.length && at < 0; i++) {
      at = java.util.Arrays.equals(nanValue, i, i + 4, twentyThree, 0, 4) ? i : -1;
    }
    assertThat(at).as("the vector's first float in the record").isPositive();
    ByteBuffer.wrap(nanValue).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(at, Float.NaN);
    Row p1 = Row.of(SCHEMA, Map.of("id", 24L, "emb", new float[] {24, 1, 2, 3}));
    try (SegmentGrowth g = growth(options(6, Duration.ofHours(1)))) {
      ShardGrowth s = g.open(new WalSplit(0, 0));
      g.add(s, insert(0, 0, 20, 0), 1, out::add);
      ConsumerRecord<ByteBuffer, ByteBuffer> wrongKey = insert(0, 1, 21, 0);
      g.add(s, record(0, 1, 0, Sharding.keyBytes(22L), wrongKey.value().array()), 1, out::add);
      g.add(s, record(0, 2, 0, Sharding.keyBytes(23L), nanValue), 1, out::add);
      g.add(s, record(0, 3, 0, Sharding.keyBytes(24L), codec.encode(WalRecord.insert(SCHEMA.version(), "p1", 24L,
          p1))), 1, out::add);
      g.add(s, insert(0, 4, 25, 0), 1, out::add);
      g.add(s, upsert(0, 5, 25), 1, out::add);
      g.emitFinished(true, out::add);
      assertThat(deadLetters()).extracting(d -> d.offset).containsExactly(1L, 2L);
      assertThat(deadLetters().get(0).error).contains("not the primary key's bytes");
      assertThat(deadLetters().get(1).error).contains("element 0 is NaN");
      SealedPiece p = pieces().get(0);
      assertThat(p.segments).as("a segment per partition").contains("\"partition\":\"p1\"")
          .contains("\"partition\":\"_default\"");
      Map<Object, float[]> rows = sealedRows(p);
      assertThat(rows.keySet()).containsExactlyInAnyOrder(20L, 24L, 25L);
      assertThat(rows.get(20L)).containsExactly(20, 1, 2, 3);
      assertThat(rows.get(24L)).containsExactly(24, 1, 2, 3);
      assertThat(rows.get(25L)).as("the upsert's vector").containsExactly(-25, 1, 2, 3);
      assertThat(sealer.rowsInPlace()).as("rows written from records parsed in place: 20 and 24 (25's winner is "
          + "decoded ahead, as every key written twice)").isEqualTo(2);
    }
  }

  private ConsumerRecord<ByteBuffer, ByteBuffer> upsert(int shard, long offset, long id) {
    Row row = Row.of(SCHEMA, Map.of("id", id, "emb", new float[] {-id, 1, 2, 3}));
    byte[] value = codec.encode(WalRecord.upsert(SCHEMA.version(), WalRecord.DEFAULT_PARTITION, id, row));
    return record(shard, offset, 0, Sharding.keyBytes(id), value);
  }

  /** The rows of a piece's segment files by primary key (their vectors), read back from the warehouse. */
  private Map<Object, float[]> sealedRows(SealedPiece p) throws Exception {
    Map<Object, float[]> rows = new java.util.HashMap<>();
    try (org.apache.arrow.memory.BufferAllocator alloc = new org.apache.arrow.memory.RootAllocator()) {
      for (com.fasterxml.jackson.databind.JsonNode seg : io.quiver.engine.io.ChecksummedJson.MAPPER
          .readTree(p.segments)) {
        try (io.quiver.engine.segment.SegmentData d = io.quiver.engine.segment.SegmentReader.read(catalog.conf(),
            io.quiver.engine.segment.SegmentFiles.segmentDir(catalog.collectionDir("c"), seg.get("stats").get("segment-id").asText()),
            SCHEMA, alloc, null)) {
          for (int i = 0; i < d.rowCount(); i++) {
            rows.put(d.pk(i), (float[]) d.row(i).get(SCHEMA.position("emb")));
          }
        }
      }
    }
    return rows;
  }

  @Test
  void aSplitFromASavepointOlderThanTheManifestStartsAfterWhatItCovers() {
    catalog.committer("c").commit(CommitMessage.builder("stream").covers(0, 0, 3).commitId("other-run").build());
    try (SegmentGrowth g = growth(options(1_000, Duration.ofHours(1)))) {
      assertThat(g.clamp(new WalSplit(0, 2))).isEqualTo(new WalSplit(0, 4));
      assertThat(g.clamp(new WalSplit(0, 9))).isEqualTo(new WalSplit(0, 9));
      assertThat(g.clamp(new WalSplit(1, 0))).isEqualTo(new WalSplit(1, 0));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theAgeSealWaitsWhileAShardDrainsABacklog_upToSixSealAges_andNotForFreshRecords() throws Exception {
    try (SegmentGrowth g = growth(options(1_000, Duration.ofSeconds(1)))) {
      ShardGrowth s = g.open(new WalSplit(0, 0));
      List<ShardGrowth> all = List.of(s);
      for (long o = 0; o < 5; o++) { // written 100 s ago: a backlog
        g.add(s, insert(0, o, 300 + o, 0), 100_000, out::add);
      }
      long offset = 5;
      for (long t = 101_000; t < 106_000; t += 1_000) {
        g.add(s, insert(0, offset, 300 + offset, 0), t - 500, out::add); // still draining
        offset++;
        g.sealAged(t, all, out::add);
        assertThat(s.isOpen()).as("at %s ms the age seal is postponed, not done", t).isTrue();
      }
      g.sealAged(106_000, all, out::add);
      assertThat(s.isOpen()).as("six seal ages after the range opened it seals").isFalse();
      g.add(s, insert(0, 10, 310, 105_900), 106_000, out::add); // a fresh record: caught up
      assertThat(g.nextDeadline(all)).as("a seal age after the record was written").isEqualTo(106_900);
      g.sealAged(107_000, all, out::add);
      assertThat(s.isOpen()).as("a fresh range seals at one seal age").isFalse();
      g.add(s, insert(0, 11, 311, 0), 107_000, out::add); // old, but then nothing more arrives
      g.sealAged(108_500, all, out::add);
      assertThat(s.isOpen()).as("a backlog drained (no record for a second) seals").isFalse();
      g.emitFinished(true, out::add);
      List<SealedPiece> p = pieces();
      assertThat(p).hasSize(3);
      assertThat(p.get(0).lastOffset).isEqualTo(9);
      assertThat(p.get(1).firstOffset).isEqualTo(10);
      assertThat(p.get(2).firstOffset).isEqualTo(11);
    }
  }

  @Test
  void aRangeReadFromABacklogSealsAsSoonAsTheShardGoesQuiet_notASealAgeLater() throws Exception {
    try (SegmentGrowth g = growth(options(1_000, Duration.ofSeconds(10)))) {
      ShardGrowth s = g.open(new WalSplit(0, 0));
      List<ShardGrowth> all = List.of(s);
      for (long o = 0; o < 5; o++) { // written 100 s before they are read
        g.add(s, insert(0, o, 400 + o, 0), 100_000 + o * 100, out::add);
      }
      g.sealAged(100_450, all, out::add);
      assertThat(s.isOpen()).as("still draining: records keep coming").isTrue();
      assertThat(g.nextDeadline(all)).as("looks again a second later").isEqualTo(101_450);
      g.sealAged(101_450, all, out::add);
      assertThat(s.isOpen()).as("no record for a second: caught up, and its rows are older than the seal age")
          .isFalse();
      g.add(s, insert(0, 5, 405, 101_500), 101_500, out::add); // a fresh record
      assertThat(g.nextDeadline(all)).isEqualTo(111_500);
    }
  }

  @Test
  void withTheFetchersEndOffsetsABacklogRangeSealsOnceItsLastRecordIsTaken() throws Exception {
    try (SegmentGrowth g = growth(options(1_000, Duration.ofSeconds(10)))) {
      ShardGrowth s = g.open(new WalSplit(0, 0));
      List<ShardGrowth> all = List.of(s);
      ends.put(0, 8L);
      for (long o = 0; o < 7; o++) { // written 100 s before they are read
        g.add(s, insert(0, o, 500 + o, 0), 100_000, out::add);
      }
      g.sealAged(100_000, all, out::add);
      assertThat(s.isOpen()).as("offset 7 is still to be taken").isTrue();
      g.sealAged(103_000, all, out::add);
      assertThat(s.isOpen()).as("a reader held up for seconds is not caught up").isTrue();
      g.add(s, insert(0, 7, 507, 0), 103_000, out::add);
      g.sealAged(103_000, all, out::add);
      assertThat(s.isOpen()).as("the end offset reached: sealed at once").isFalse();
    }
  }

  @Test
  void poisonRecordsAndRecordsOfAPartitionBeyondTheShardCountAreDeadLetters() throws Exception {
    try (SegmentGrowth g = growth(options(3, Duration.ofHours(1)))) {
      ShardGrowth foreign = g.open(new WalSplit(5, 0));
      g.add(foreign, insert(5, 0, 1, 0), 1, out::add);
      assertThat(foreign.restartOffset()).isEqualTo(1);
      ShardGrowth s = g.open(new WalSplit(0, 0));
      g.add(s, insert(0, 0, 1, 0), 1, out::add);
      g.add(s, record(0, 1, 0, Sharding.keyBytes(2L), "not a WAL record".getBytes(StandardCharsets.UTF_8)), 1,
          out::add);
      g.add(s, insert(0, 2, 3, 0), 1, out::add);
      g.emitFinished(true, out::add);
      assertThat(deadLetters()).hasSize(2);
      assertThat(deadLetters().get(0).error).contains("Kafka partition 5 is not a shard of c, which has 2 shards");
      assertThat(deadLetters().get(1).offset).isEqualTo(1);
      SealedPiece p = pieces().get(0);
      assertThat(p.lastOffset).as("the poison record's offset is part of the sealed range").isEqualTo(2);
      assertThat(p.segments).contains("\"row-count\":2");
    }
  }
}
