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

  WalLikeWriter(Catalog catalog, String collection) {
    this.catalog = catalog;
    this.collection = collection;
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
          w.write(toRow(schema, TestRows.row(id, upserts.get(id))), 0, off++);
        }
        SegmentStats st = w.finish();
        b.addSegment(SegmentEntry.written(st, Map.of()));
      }
      if (!d.isEmpty()) {
        List<DeleteFiles.Delete> list = new ArrayList<>();
        long dFirst = off;
        for (long id : d) {
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
