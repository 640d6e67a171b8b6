package io.quiver.flink.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.ManifestParser;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.io.ChecksummedJson;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.FailurePoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Turns the growing entries of one shard's open range into files: one segment per partition holding the rows in
 * offset order, and one delete file holding the tombstones (pk, delete offset). Names are deterministic in
 * (collection, shard, first, last offset of the range), so a replay of the same range rewrites the same files. The
 * files become visible only when the manifest commit that lists them lands.
 *
 * <p>Stateless between seals; {@link SegmentGrowth} calls it from its reader's one seal thread.
 */
final class Sealer {
  private final String collection;
  private final Configuration conf;
  private final Path collectionDir;
  private final CollectionSchema schema;
  private final Map<String, IndexSpec> indexSpecs;
  private final SegmentIndexer indexer;

  Sealer(String collection, Configuration conf, Path collectionDir, CollectionSchema schema,
      Map<String, IndexSpec> indexSpecs, SegmentIndexer indexer) {
    this.collection = collection;
    this.conf = conf;
    this.collectionDir = collectionDir;
    this.schema = schema;
    this.indexSpecs = indexSpecs;
    this.indexer = indexer;
  }

  /** The latest operation on one primary key in a shard's open range: its row, or null for a delete. */
  record Entry(Object pk, long offset, @Nullable WalRecord row) {
    boolean isDelete() {
      return row == null;
    }
  }

  SealedPiece seal(int shard, long first, long last, List<Entry> entries) {
    FailurePoints.check(FailurePoints.SEAL_BEFORE_FILES);
    List<Entry> rows = new ArrayList<>();
    List<DeleteFiles.Delete> deletes = new ArrayList<>();
    for (Entry e : entries) {
      if (e.isDelete()) {
        deletes.add(new DeleteFiles.Delete(e.pk(), e.offset()));
      } else {
        rows.add(e);
      }
    }
    rows.sort(Comparator.comparingLong(Entry::offset));
    deletes.sort(Comparator.comparingLong(DeleteFiles.Delete::offset));

    ArrayNode segments = ChecksummedJson.MAPPER.createArrayNode();
    Map<String, List<Entry>> byPartition = new TreeMap<>();
    for (Entry e : rows) {
      byPartition.computeIfAbsent(e.row().partition(), p -> new ArrayList<>()).add(e);
    }
    String baseId = SegmentFiles.walSegmentId(collection, shard, first, last);
    for (Map.Entry<String, List<Entry>> p : byPartition.entrySet()) {
      String id = WalRecord.DEFAULT_PARTITION.equals(p.getKey()) ? baseId : baseId + "-" + p.getKey();
      try (SegmentWriter w = SegmentWriter.create(conf, collectionDir, schema, id, p.getKey(), shard)) {
        for (Entry e : p.getValue()) {
          w.write(e.row().row(), 0, e.offset());
        }
        SegmentStats stats = w.finish();
        Map<String, IndexFile> indexes = indexer.index(conf, SegmentFiles.segmentDir(collectionDir, id), schema,
            stats, indexSpecs);
        segments.add(ManifestParser.segmentJson(SegmentEntry.written(stats, indexes)));
      }
    }
    ArrayNode deleteFiles = ChecksummedJson.MAPPER.createArrayNode();
    if (!deletes.isEmpty()) {
      String rel = SegmentFiles.walDeleteFile(shard, first, last);
      long bytes = DeleteFiles.write(conf, new Path(collectionDir, rel), schema.primaryKey().type(), deletes);
      deleteFiles.add(ManifestParser.deleteJson(new DeleteFileEntry(rel, shard, 0, deletes.size(),
          deletes.get(0).offset(), deletes.get(deletes.size() - 1).offset(), bytes)));
    }
    FailurePoints.check(FailurePoints.SEAL_AFTER_FILES);
    return new SealedPiece(shard, first, last, segments.toString(), deleteFiles.toString());
  }
}
