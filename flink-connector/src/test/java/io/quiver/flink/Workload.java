package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.flink.verify.LiveRows;
import io.quiver.flink.verify.OffsetAudit;
import io.quiver.wal.WalTopics;
import io.quiver.wal.WalWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * A reproducible mix of inserts, upserts and deletes written through the WAL writer, with the expected live rows
 * (latest value per pk) kept alongside, plus the checks every ingestion IT makes.
 */
final class Workload {
  static final int DIM = 8;
  static final CollectionSchema SCHEMA = CollectionSchema.builder()
      .int64PrimaryKey("id", false)
      .vector("emb", DIM, MetricType.L2)
      .varchar("tag", 16, true)
      .scalar("n", DataType.INT64)
      .build();

  final Map<Long, Object[]> expected = new HashMap<>();
  private final Random random;
  private long nextId;
  private int version;

  Workload(long seed) {
    this.random = new Random(seed);
  }

  /** Writes {@code ops} operations: ~70% inserts of new keys, ~20% upserts of live keys, ~10% deletes. */
  void write(WalWriter w, int ops) {
    int batch = 5_000;
    for (int done = 0; done < ops; done += batch) {
      List<Map<String, Object>> inserts = new ArrayList<>();
      List<Map<String, Object>> upserts = new ArrayList<>();
      List<Object> deletes = new ArrayList<>();
      java.util.Set<Long> touched = new java.util.HashSet<>();
      for (int i = 0; i < Math.min(batch, ops - done); i++) {
        int dice = random.nextInt(10);
        if (dice < 7 || expected.isEmpty()) {
          long id = nextId++;
          inserts.add(row(id));
          touched.add(id);
        } else {
          long id = random.nextLong(Math.max(1, nextId));
          if (!touched.add(id)) {
            inserts.add(row(nextId++)); // one op per key per batch keeps the expected order simple
          } else if (dice < 9) {
            upserts.add(row(id));
          } else {
            deletes.add(id);
          }
        }
      }
      // inserts, then upserts, then deletes: the expected map applies them in the same order
      apply(w.insert(inserts).count(), inserts);
      apply(w.upsert(upserts).count(), upserts);
      w.delete(deletes);
      deletes.forEach(expected::remove);
    }
  }

  private void apply(int count, List<Map<String, Object>> rows) {
    assertThat(count).isEqualTo(rows.size());
    for (Map<String, Object> r : rows) {
      expected.put((Long) r.get("id"), new Object[] {r.get("emb"), r.get("tag"), r.get("n")});
    }
  }

  private Map<String, Object> row(long id) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = random.nextFloat();
    }
    Map<String, Object> m = new HashMap<>();
    m.put("id", id);
    m.put("emb", v);
    m.put("tag", "v" + (version++ % 1000));
    m.put("n", random.nextBoolean() ? null : (Object) random.nextLong());
    return m;
  }

  /** Waits (bounded) until the manifest's committed offsets reach the WAL's end offsets. */
  static Manifest awaitCaughtUp(Catalog catalog, String collection, String bootstrap, Duration timeout) {
    Map<Integer, Long> last = new HashMap<>();
    endOffsets(bootstrap, collection, catalog.current(collection).shards()).forEach((s, end) -> last.put(s, end - 1));
    return awaitCovers(catalog, collection, last, timeout);
  }

  /** Waits (bounded) until the manifest's committed offset of each shard in {@code last} reaches its offset there. */
  static Manifest awaitCovers(Catalog catalog, String collection, Map<Integer, Long> last, Duration timeout) {
    Awaitility.await("the manifest of " + collection + " covers the WAL offsets " + last)
        .atMost(timeout).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          Manifest m = catalog.current(collection);
          return last.entrySet().stream().allMatch(e -> m.committedOffset(e.getKey()) >= e.getValue());
        });
    return catalog.current(collection);
  }

  static Map<Integer, Long> endOffsets(String bootstrap, String collection, int shards) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int s = 0; s < shards; s++) {
        tps.add(new TopicPartition(WalTopics.walTopic(collection), s));
      }
      Map<Integer, Long> out = new HashMap<>();
      c.endOffsets(tps).forEach((tp, off) -> out.put(tp.partition(), off));
      return out;
    }
  }

  /** The manifest's live rows equal the expected rows exactly; no op sealed twice; offsets sound. */
  void assertIngested(Catalog catalog, Manifest m) {
    LiveRows live = LiveRows.read(catalog, m);
    assertThat(live.duplicateOps()).as("WAL records sealed more than once").isZero();
    assertThat(live.rows().keySet()).as("live primary keys").containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((pk, want) -> {
      Row got = live.rows().get(pk);
      assertThat((float[]) got.get(1)).as("emb of %s", pk).isEqualTo((float[]) want[0]);
      assertThat(got.get(2)).as("tag of %s", pk).isEqualTo(want[1]);
      assertThat(got.get(3)).as("n of %s", pk).isEqualTo(want[2]);
    });
    assertThat(OffsetAudit.check(catalog, m.collection())).as("offset audit of every manifest version").isEmpty();
  }
}
