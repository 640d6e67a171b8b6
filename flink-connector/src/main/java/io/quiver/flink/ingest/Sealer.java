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
import io.quiver.engine.wal.EncodedRow;
import io.quiver.engine.wal.WalDecodeException;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import io.quiver.flink.FailurePoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Turns the WAL records of one shard's sealed range ({@link RawRange}) into files: one segment per partition holding
 * the latest row of each primary key in offset order, and one delete file holding the tombstones (pk, delete
 * offset). Names are deterministic in (collection, shard, first, last offset of the range), so a replay of the same
 * range rewrites the same files. The files become visible only when the manifest commit that lists them lands.
 *
 * <p>Each record is read once, here, and rows stream into the segment writers in offset order. Most records (inserts
 * and upserts of the current schema version) are parsed in place ({@link EncodedRow}) and their bytes copied into the
 * segment's columns without an object per row; the others are decoded into rows that die young. Last write wins by
 * offset among the records that decode: a first pass groups the records by Kafka key (a valid record's key is its
 * primary key's bytes, which {@link WalDecoder} and {@link EncodedRow#isKey} check), and only for keys written more
 * than once are records decoded ahead, newest first, until the latest valid one — so a poison record never hides an
 * earlier valid write of its key. Records that do not decode become dead letters of the result.
 *
 * <p>Used from its reader's one seal thread only (its decoder is not thread-safe).
 */
final class Sealer {
  private final String collection;
  private final Configuration conf;
  private final Path collectionDir;
  private final CollectionSchema schema;
  private final Map<String, IndexSpec> indexSpecs;
  private final SegmentIndexer indexer;
  private final WalDecoder decoder;
  /** The record being written when it is an insert or upsert of the current schema version (most are). */
  private final EncodedRow inPlace;
  /** Rows written from records parsed in place, over this sealer's life (read by tests once their seals finished). */
  private final AtomicLong rowsInPlace = new AtomicLong();

  Sealer(String collection, Configuration conf, Path collectionDir, CollectionSchema schema,
      List<CollectionSchema> previousSchemas, Map<String, IndexSpec> indexSpecs, SegmentIndexer indexer) {
    this.collection = collection;
    this.conf = conf;
    this.collectionDir = collectionDir;
    this.schema = schema;
    this.indexSpecs = indexSpecs;
    this.indexer = indexer;
    this.decoder = new WalDecoder(schema, previousSchemas);
    this.inPlace = new EncodedRow(schema);
  }

  /** A sealed range: the piece for the committer and the range's records that could not be decoded. */
  record Result(SealedPiece piece, List<DeadLetter> deadLetters) {}

  /** Decoded ahead of the offset-order pass: the latest valid record of a key, or a record that failed to decode. */
  private record Ahead(@Nullable WalRecord winner, @Nullable String error) {}

  Result seal(int shard, long first, long last, RawRange records) {
    FailurePoints.check(FailurePoints.SEAL_BEFORE_FILES);
    int n = records.size();
    int[] previous = records.previousOfSameKey();
    boolean[] superseded = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (previous[i] >= 0) {
        superseded[previous[i]] = true;
      }
    }
    // keys written more than once: decode newest first until the latest record that decodes
    Map<Integer, Ahead> ahead = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (!superseded[i] && previous[i] >= 0) {
        for (int j = i; j >= 0; j = previous[j]) {
          try {
            ahead.put(j, new Ahead(decode(records, j), null));
            break;
          } catch (WalDecodeException e) {
            ahead.put(j, new Ahead(null, e.getMessage()));
          }
        }
      }
    }

    List<DeadLetter> deadLetters = new ArrayList<>();
    List<DeleteFiles.Delete> deletes = new ArrayList<>();
    Map<String, SegmentWriter> writers = new TreeMap<>();
    int inPlaceRows = 0;
    String lastPartition = null;
    SegmentWriter lastWriter = null;
    String baseId = SegmentFiles.walSegmentId(collection, shard, first, last);
    ArrayNode segments = ChecksummedJson.MAPPER.createArrayNode();
    try {
      for (int i = 0; i < n; i++) {
        Ahead a = ahead.get(i);
        WalRecord rec;
        if (a != null) {
          if (a.error() != null) {
            deadLetters.add(deadLetter(shard, records, i, a.error()));
          }
          rec = a.winner();
        } else {
          if (parsedInPlace(records, i)) {
            if (!superseded[i]) {
              // rows come in runs of one partition: its String is the same object while the bytes match
              String partition = inPlace.partition();
              if (partition != lastPartition) {
                lastWriter = writer(writers, baseId, shard, partition);
                lastPartition = partition;
              }
              lastWriter.write(inPlace, 0, records.offset(i));
              inPlaceRows++;
            }
            continue;
          }
          try {
            rec = decode(records, i);
          } catch (WalDecodeException e) {
            deadLetters.add(deadLetter(shard, records, i, e.getMessage()));
            continue;
          }
          if (superseded[i]) {
            continue; // a later record of the key decoded (an older one was decoded only to find poison)
          }
        }
        if (rec == null) {
          continue;
        }
        if (rec.op() == WalOp.DELETE) {
          deletes.add(new DeleteFiles.Delete(rec.pk(), records.offset(i)));
        } else {
          writer(writers, baseId, shard, rec.partition()).write(rec.row(), 0, records.offset(i));
        }
      }
      for (SegmentWriter w : writers.values()) {
        SegmentStats stats = w.finish();
        Map<String, IndexFile> indexes = indexer.index(conf, SegmentFiles.segmentDir(collectionDir,
            w.segmentId()), schema, stats, indexSpecs);
        segments.add(ManifestParser.segmentJson(SegmentEntry.written(stats, indexes)));
      }
      rowsInPlace.addAndGet(inPlaceRows);
    } finally {
      inPlace.clear(); // the range's chunks go back to the pool after the seal
      writers.values().forEach(SegmentWriter::close);
    }
    ArrayNode deleteFiles = ChecksummedJson.MAPPER.createArrayNode();
    if (!deletes.isEmpty()) {
      String rel = SegmentFiles.walDeleteFile(shard, first, last);
      long bytes = DeleteFiles.write(conf, new Path(collectionDir, rel), schema.primaryKey().type(), deletes);
      deleteFiles.add(ManifestParser.deleteJson(new DeleteFileEntry(rel, shard, 0, deletes.size(),
          deletes.get(0).offset(), deletes.get(deletes.size() - 1).offset(), bytes)));
    }
    FailurePoints.check(FailurePoints.SEAL_AFTER_FILES);
    return new Result(new SealedPiece(shard, first, last, segments.toString(), deleteFiles.toString()),
        deadLetters);
  }

  long rowsInPlace() {
    return rowsInPlace.get();
  }

  /** The segment writer of {@code partition}'s rows in this range, opened at its first row. */
  private SegmentWriter writer(Map<String, SegmentWriter> writers, String baseId, int shard, String partition) {
    SegmentWriter w = writers.get(partition);
    if (w == null) {
      String id = WalRecord.DEFAULT_PARTITION.equals(partition) ? baseId : baseId + "-" + partition;
      w = SegmentWriter.create(conf, collectionDir, schema, id, partition, shard);
      writers.put(partition, w);
    }
    return w;
  }

  /**
   * Whether record {@code i} parsed in place into {@link #inPlace} (an insert or upsert of the current schema version
   * that passes every check, keyed by its primary key's bytes); otherwise it goes through {@link #decode}, which
   * converts it or names what is wrong with it.
   */
  private boolean parsedInPlace(RawRange records, int i) {
    int len = records.valueLength(i);
    byte[] b = records.bytes(i);
    return len >= 0 && inPlace.parse(b, records.valueStart(i), len)
        && inPlace.isKey(b, records.keyStart(i), records.keyLength(i));
  }

  private WalRecord decode(RawRange records, int i) {
    int len = records.valueLength(i);
    if (len < 0) {
      throw new WalDecodeException("record too short: null, a WAL record has an 8-byte header");
    }
    return decoder.decode(records.bytes(i), records.keyStart(i), records.keyLength(i), records.valueStart(i), len);
  }

  private static DeadLetter deadLetter(int shard, RawRange records, int i, String error) {
    return new DeadLetter(shard, records.offset(i), records.key(i), records.value(i), error);
  }
}
