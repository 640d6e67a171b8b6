package io.quiver.spark;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.filter.BoundFilter;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.wal.Sharding;
import io.quiver.spark.read.VisibilityCache;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.fs.Path;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL {@code DELETE FROM t WHERE ...}: finds the visible rows matching the filter (stats skip segments; only the
 * filter's columns and the keys are read), writes one batch delete file per shard with offset
 * {@link DeleteFiles#AFTER_EVERY_OFFSET} and the last sequence number of the snapshot it evaluated, and commits them.
 * Under the row order rule such a delete hides every row of its keys committed at or before that snapshot; rows
 * committed later — even while the delete was being evaluated — or still in the WAL tail stay visible.
 */
public final class BatchDeletes {
  private static final Logger LOG = LoggerFactory.getLogger(BatchDeletes.class);

  private BatchDeletes() {}

  /** Deletes the rows of the current version matching {@code filter}; returns how many keys were deleted. */
  public static long delete(Catalog catalog, String collection, Filter filter) {
    return delete(catalog, catalog.current(collection), filter);
  }

  /**
   * Deletes the rows of snapshot {@code m} matching {@code filter}; returns how many keys were deleted. The delete
   * files are bound to {@code m}'s last sequence number, so a row committed after {@code m} (an upsert racing this
   * delete) stays visible even though the delete commits after it.
   */
  public static long delete(Catalog catalog, Manifest m, Filter filter) {
    String collection = m.collection();
    CollectionSchema schema = m.schema();
    BoundFilter bound = filter.bind(schema);
    SnapshotVisibility vis = VisibilityCache.get(catalog, m);
    Path dir = catalog.collectionDir(collection);
    Map<Integer, List<DeleteFiles.Delete>> byShard = new TreeMap<>();
    Set<Object> keys = new HashSet<>();
    try (BufferAllocator allocator = Warehouses.allocator("delete-" + collection)) {
      for (SegmentEntry s : m.segments()) {
        if (s.rowCount() == 0 || !bound.mightMatch(Predicates.view(s.stats()))) {
          continue;
        }
        try (SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(dir, s.id()), schema,
            allocator, bound.columns())) {
          RoaringBitmap match = bound.evaluate(d);
          match.andNot(vis.hidden(s.id()));
          for (int i : match) {
            Object pk = d.pk(i);
            if (keys.add(pk)) {
              byShard.computeIfAbsent(Sharding.shardOf(pk, m.shards()), k -> new ArrayList<>())
                  .add(new DeleteFiles.Delete(pk, DeleteFiles.AFTER_EVERY_OFFSET));
            }
          }
        }
      }
    }
    if (keys.isEmpty()) {
      return 0;
    }
    String id = UUID.randomUUID().toString();
    CommitMessage.Builder b = CommitMessage.builder("delete").commitId("spark-delete-" + id);
    List<Path> written = new ArrayList<>();
    try {
      for (Map.Entry<Integer, List<DeleteFiles.Delete>> e : byShard.entrySet()) {
        String rel = SegmentFiles.batchDeleteFile(e.getKey(), id + "/" + e.getKey());
        Path p = new Path(dir, rel);
        written.add(p);
        long bytes = DeleteFiles.write(catalog.conf(), p, schema.primaryKey().type(), e.getValue());
        b.addDeleteFile(new DeleteFileEntry(rel, e.getKey(), m.lastSequenceNumber(), e.getValue().size(),
            DeleteFiles.AFTER_EVERY_OFFSET,
            DeleteFiles.AFTER_EVERY_OFFSET, bytes));
      }
      Manifest after = catalog.committer(collection).commit(b.summary("filter", filter.toString()).build());
      LOG.info("Deleted {} keys from {} in v{}", keys.size(), collection, after.version());
      return keys.size();
    } catch (io.quiver.engine.catalog.CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      written.forEach(p -> io.quiver.engine.io.HadoopFiles.deleteQuietly(catalog.fileSystem(), p, false));
      throw e;
    }
  }
}
