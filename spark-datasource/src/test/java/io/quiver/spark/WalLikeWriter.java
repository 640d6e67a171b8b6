package io.quiver.spark;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.wal.Sharding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * Seals WAL rows and deletes of one shard through the engine API, as the Flink ingestion job does: rows at
 * consecutive WAL offsets after the shard's committed offset, a WAL segment ({@code __seq = 0}) and a WAL delete file,
 * one commit covering the offsets. Keys are routed to their shard with Kafka's partitioner.
 */
final class WalLikeWriter {
  private final Catalog catalog;
  private final String collection;
  private final Map<Integer, Long> nextOffset = new HashMap<>();
  /** When set, every change also goes to the WAL topic, at the offsets the segments record. */
  private org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer;

  WalLikeWriter(Catalog catalog, String collection) {
    this.catalog = catalog;
    this.collection = collection;
  }

  WalLikeWriter withKafka(String bootstrap) {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
    p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
    p.put("enable.idempotence", "true");
    producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p);
    return this;
  }

  /** Produces the changes to the WAL only (not sealed): the unsealed tail. */
  void produceOnly(Map<Long, Integer> upserts, List<Long> deletes) {
    Manifest m = catalog.current(collection);
    for (Map.Entry<Long, Integer> e : upserts.entrySet()) {
      int s = Sharding.shardOf(e.getKey(), m.shards());
      produce(m.schema(), s, e.getKey(), toRow(m.schema(), TestRows.row(e.getKey(), e.getValue())),
          nextOffset.computeIfAbsent(s, sh -> m.committedOffset(sh) + 1));
      nextOffset.merge(s, 1L, Long::sum);
    }
    for (long id : deletes) {
      int s = Sharding.shardOf(id, m.shards());
      produce(m.schema(), s, id, null, nextOffset.computeIfAbsent(s, sh -> m.committedOffset(sh) + 1));
      nextOffset.merge(s, 1L, Long::sum);
    }
  }

  private void produce(CollectionSchema schema, int shard, long id, Row row, long expectedOffset) {
    if (producer == null) {
      return;
    }
    io.quiver.engine.wal.WalCodec codec = new io.quiver.engine.wal.WalCodec(schema);
    io.quiver.engine.wal.WalRecord rec = row == null
        ? io.quiver.engine.wal.WalRecord.delete(schema.version(), "_default", id)
        : io.quiver.engine.wal.WalRecord.upsert(schema.version(), "_default", id, row);
    try {
      long offset = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
          io.quiver.spark.read.WalTail.topic(collection), shard, Sharding.keyBytes(id), codec.encode(rec)))
          .get(30, java.util.concurrent.TimeUnit.SECONDS).offset();
      if (offset != expectedOffset) {
        throw new IllegalStateException("WAL offset " + offset + " of shard " + shard + ", expected "
            + expectedOffset);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot produce to the WAL", e);
    }
  }

  /**
   * Commits upserts (id → version) and deletes, each shard's in WAL order: upserts first, then deletes.
   *
   * @return the manifest after the commit
   */
  Manifest commit(Map<Long, Integer> upserts, List<Long> deletes) {
    Manifest m = catalog.current(collection);
    CollectionSchema schema = m.schema();
    int shards = m.shards();
    Map<Integer, List<Long>> ups = new LinkedHashMap<>();
    Map<Integer, List<Long>> dels = new LinkedHashMap<>();
    upserts.keySet().forEach(id -> ups.computeIfAbsent(Sharding.shardOf(id, shards), k -> new ArrayList<>()).add(id));
    deletes.forEach(id -> dels.computeIfAbsent(Sharding.shardOf(id, shards), k -> new ArrayList<>()).add(id));
    CommitMessage.Builder b = CommitMessage.builder("stream");
    Path dir = catalog.collectionDir(collection);
    for (int s = 0; s < shards; s++) {
      List<Long> u = ups.getOrDefault(s, List.of());
      List<Long> d = dels.getOrDefault(s, List.of());
      if (u.isEmpty() && d.isEmpty()) {
        continue;
      }
      long first = nextOffset.computeIfAbsent(s, sh -> m.committedOffset(sh) + 1);
      long off = first;
      if (!u.isEmpty()) {
        SegmentWriter w = SegmentWriter.create(catalog.conf(), dir, schema,
            SegmentFiles.walSegmentId(collection, s, first, first + u.size() - 1), "_default", s);
        for (long id : u) {
          Row row = toRow(schema, TestRows.row(id, upserts.get(id)));
          produce(schema, s, id, row, off);
          w.write(row, 0, off++);
        }
        SegmentStats st = w.finish();
        b.addSegment(SegmentEntry.written(st, Map.of()));
      }
      if (!d.isEmpty()) {
        List<DeleteFiles.Delete> list = new ArrayList<>();
        long dFirst = off;
        for (long id : d) {
          produce(schema, s, id, null, off);
          list.add(new DeleteFiles.Delete(id, off++));
        }
        String rel = SegmentFiles.walDeleteFile(s, dFirst, off - 1);
        long bytes = DeleteFiles.write(catalog.conf(), new Path(dir, rel), schema.primaryKey().type(), list);
        b.addDeleteFile(new DeleteFileEntry(rel, s, 0, list.size(), dFirst, off - 1, bytes));
      }
      b.covers(s, first, off - 1);
      nextOffset.put(s, off);
    }
    return catalog.committer(collection).commit(b.build());
  }

  static Row toRow(CollectionSchema schema, org.apache.spark.sql.Row r) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", r.getLong(0));
    @SuppressWarnings("unchecked")
    List<Float> v = (List<Float>) r.get(1);
    float[] f = new float[v.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = v.get(i);
    }
    m.put("emb", f);
    m.put("title", r.get(2));
    m.put("year", r.getInt(3));
    m.put("score", r.get(4));
    return Row.of(schema, m);
  }
}
