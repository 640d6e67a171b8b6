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
import io.quiver.engine.wal.WalCodec;
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
 * <p>Not thread-safe (its codec); {@link SegmentBuilder} uses it from its one seal thread.
 */
final class Sealer {
  private final String collection;
  private final Configuration conf;
  private final Path collectionDir;
  private final CollectionSchema schema;
  private final Map<String, IndexSpec> indexSpecs;
  private final SegmentIndexer indexer;
  private final WalCodec codec;

  Sealer(String collection, Configuration conf, Path collectionDir, CollectionSchema schema,
      Map<String, IndexSpec> indexSpecs, SegmentIndexer indexer) {
    this.collection = collection;
    this.conf = conf;
    this.collectionDir = collectionDir;
    this.schema = schema;
    this.indexSpecs = indexSpecs;
    this.indexer = indexer;
    this.codec = new WalCodec(schema);
  }

  /**
   * One live entry of the growing state, with its record already decoded when the builder still has it (null after a
   * restore from a checkpoint: then the entry's bytes are decoded here).
   */
  record Entry(Object pk, GrowingEntry op, @Nullable WalRecord decoded) {}

  /** A decoded insert/upsert and its WAL offset. */
  record Decoded(WalRecord record, long offset) {}

  SealedPiece seal(int shard, long first, long last, List<Entry> entries) {
    FailurePoints.check(FailurePoints.SEAL_BEFORE_FILES);
    List<Entry> rows = new ArrayList<>();
    List<DeleteFiles.Delete> deletes = new ArrayList<>();
    for (Entry e : entries) {
      if (e.op().isDelete()) {
        deletes.add(new DeleteFiles.Delete(e.pk(), e.op().offset));
      } else {
        rows.add(e);
      }
    }
    rows.sort(Comparator.comparingLong(e -> e.op().offset));
    deletes.sort(Comparator.comparingLong(DeleteFiles.Delete::offset));

    ArrayNode segments = ChecksummedJson.MAPPER.createArrayNode();
    Map<String, List<Decoded>> byPartition = new TreeMap<>();
    for (Entry e : rows) {
      WalRecord r = e.decoded() != null ? e.decoded() : codec.decode(e.op().value);
      byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(new Decoded(r, e.op().offset));
    }
    String baseId = SegmentFiles.walSegmentId(collection, shard, first, last);
    for (Map.Entry<String, List<Decoded>> p : byPartition.entrySet()) {
      String id = WalRecord.DEFAULT_PARTITION.equals(p.getKey()) ? baseId : baseId + "-" + p.getKey();
      try (SegmentWriter w = SegmentWriter.create(conf, collectionDir, schema, id, p.getKey(), shard)) {
        for (Decoded d : p.getValue()) {
          w.write(d.record().row(), 0, d.offset());
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
