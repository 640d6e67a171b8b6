package io.quiver.serving.tools;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.SegmentIndexer;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import io.quiver.wal.WalTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Seals a collection's WAL in this process through the engine API, as the Flink ingestion job does in a cluster: per
 * shard, the records after the committed offset up to the current end become one segment (rows) and one delete file
 * (deletes), each vector field gets the index its spec asks for, and one commit covers the offsets. For single-process
 * setups without Flink (tests, benchmarks, the quickstart); not for concurrent use with the Flink job.
 */
public final class LocalSealer {
  private LocalSealer() {}

  /** Seals everything written so far; returns the new manifest (or the current one when there was nothing). */
  public static Manifest seal(Catalog catalog, String collection, String bootstrap) {
    Manifest m = catalog.current(collection);
    WalCodec codec = new WalCodec(m.schema());
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // as the ingestion job reads the WAL
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    CommitMessage.Builder msg = CommitMessage.builder("stream");
    boolean any = false;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p); RootAllocator alloc = new RootAllocator()) {
      for (int shard = 0; shard < m.shards(); shard++) {
        TopicPartition tp = new TopicPartition(WalTopics.walTopic(collection), shard);
        c.assign(List.of(tp));
        long end = c.endOffsets(List.of(tp)).get(tp);
        long first = m.committedOffset(shard) + 1;
        if (end <= first) {
          continue;
        }
        c.seek(tp, first);
        List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
        while (c.position(tp) < end) {
          c.poll(Duration.ofMillis(200)).forEach(recs::add);
        }
        long last = end - 1;
        String baseId = SegmentFiles.walSegmentId(collection, shard, first, last);
        List<DeleteFiles.Delete> deletes = new ArrayList<>();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byPartition = new java.util.TreeMap<>();
        Map<ConsumerRecord<byte[], byte[]>, WalRecord> decoded = new java.util.IdentityHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
          if (r.offset() > last) {
            break;
          }
          WalRecord rec = codec.decode(r.value());
          if (rec.op() == WalOp.DELETE) {
            deletes.add(new DeleteFiles.Delete(rec.pk(), r.offset()));
          } else {
            byPartition.computeIfAbsent(rec.partition(), k -> new ArrayList<>()).add(r);
            decoded.put(r, rec);
          }
        }
        // one segment per partition, named as the Flink sealer names them
        for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> part : byPartition.entrySet()) {
          String id = WalRecord.DEFAULT_PARTITION.equals(part.getKey()) ? baseId : baseId + "-" + part.getKey();
          try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir(collection), m.schema(),
              id, part.getKey(), shard)) {
            for (ConsumerRecord<byte[], byte[]> r : part.getValue()) {
              w.write(decoded.get(r).row(), 0, r.offset());
            }
            SegmentStats stats = w.finish();
            msg.addSegment(SegmentEntry.written(stats, indexes(catalog, collection, m, id, alloc)));
          }
        }
        if (!deletes.isEmpty()) {
          String rel = SegmentFiles.walDeleteFile(shard, first, last);
          long bytes = DeleteFiles.write(catalog.conf(), new Path(catalog.collectionDir(collection), rel),
              m.schema().primaryKey().type(), deletes);
          msg.addDeleteFile(new DeleteFileEntry(rel, shard, 0, deletes.size(), deletes.get(0).offset(),
              deletes.get(deletes.size() - 1).offset(), bytes));
        }
        msg.covers(shard, first, last);
        any = true;
      }
    }
    return any ? catalog.committer(collection).commit(msg.build()) : m;
  }

  /** The index files the collection's specs ask for, built over the written segment {@code id}. */
  private static Map<String, IndexFile> indexes(Catalog catalog, String collection, Manifest m, String id,
      RootAllocator alloc) {
    Map<String, IndexFile> indexes = new java.util.TreeMap<>();
    try (SegmentData data = SegmentReader.read(catalog.conf(),
        SegmentFiles.segmentDir(catalog.collectionDir(collection), id), m.schema(), alloc, null)) {
      for (FieldSchema f : m.schema().vectorFields()) {
        IndexSpec spec = m.indexSpecs().getOrDefault(f.name(), IndexSpec.flat());
        if (!"FLAT".equals(spec.kind())) {
          indexes.put(f.name(), SegmentIndexer.build(catalog.conf(), catalog.collectionDir(collection), data, f, spec,
              ProgressListener.NONE));
        }
      }
    }
    return indexes;
  }
}
