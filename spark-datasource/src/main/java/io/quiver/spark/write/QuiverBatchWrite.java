package io.quiver.spark.write;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitFailedException;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.CommitStateUnknownException;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.io.HadoopFiles;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.segment.FieldStats;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.Warehouses;
import io.quiver.wal.AutoIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bulk write: executors write segment files directly (no WAL), the driver commits them once through the
 * {@link io.quiver.engine.catalog.ManifestCommitter} — an append (new rows take the commit's sequence number, so a
 * key that already exists is replaced: the new row wins) or an overwrite (truncate of the collection or of one
 * partition, in the same atomic commit).
 *
 * <p>Failures: a job that fails or is aborted commits nothing; {@link #abort} deletes the files tasks reported and
 * never throws; files of tasks that died without reporting are orphans no manifest reaches, which
 * {@code Maintenance.removeOrphanFiles} removes. After {@link CommitStateUnknownException} nothing is deleted.
 */
final class QuiverBatchWrite implements BatchWrite {
  private static final Logger LOG = LoggerFactory.getLogger(QuiverBatchWrite.class);

  private final WriteSpec spec;
  private final boolean truncate;
  private final boolean partitionOnly;
  private final String operation;

  /** @param partitionOnly an overwrite replaces only {@code spec.partition}, not the whole collection */
  QuiverBatchWrite(WriteSpec spec, boolean truncate, boolean partitionOnly, String operation) {
    this.spec = spec;
    this.truncate = truncate;
    this.partitionOnly = partitionOnly;
    this.operation = operation;
  }

  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    if (spec.schema().primaryKey().isAutoId() && info.numPartitions() > AutoIds.MAX_NODE + 1) {
      throw new IllegalArgumentException("Cannot write " + info.numPartitions() + " partitions to auto-id collection "
          + spec.collection + ": at most " + (AutoIds.MAX_NODE + 1) + " (one auto id node per task);"
          + " coalesce the DataFrame");
    }
    return new QuiverWriterFactory(spec);
  }

  @Override
  public boolean useCommitCoordinator() {
    return true;
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    List<SegmentEntry> segments = segments(messages);
    Catalog catalog = Warehouses.catalog(spec.warehouse, spec.conf);
    try {
      if (spec.schema().primaryKey().isAutoId()) {
        checkAutoIdsUnique(catalog, segments);
      } else if (spec.onDuplicate == QuiverOptions.OnDuplicate.ERROR) {
        checkNoDuplicates(catalog, segments);
      }
      CommitMessage.Builder b = CommitMessage.builder(operation).commitId("spark-" + spec.writeId)
          .addSegments(segments).summary("spark-write-id", spec.writeId);
      if (partitionOnly) {
        b.addPartition(spec.partition);
      }
      if (truncate) {
        b.truncate(partitionOnly ? spec.partition : null);
      }
      Manifest m = catalog.committer(spec.collection).commit(b.build());
      LOG.info("Spark {} {}: committed {} segments as {} v{}", operation, spec.writeId, segments.size(),
          spec.collection, m.version());
    } catch (CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      deleteQuietly(catalog, segments);
      throw e instanceof CommitFailedException ? e : new IllegalStateException("Cannot commit Spark " + operation
          + " " + spec.writeId + " to " + spec.collection + ": " + e.getMessage(), e);
    }
  }

  /** on_duplicate=error across tasks: each task checked its own rows; this checks keys across tasks. */
  private void checkNoDuplicates(Catalog catalog, List<SegmentEntry> segments) {
    if (segments.size() < 2) {
      return;
    }
    Manifest current = catalog.current(spec.collection);
    Map<Object, String> owner = new HashMap<>();
    for (SnapshotVisibility.SegmentKeys keys : SnapshotVisibility.readKeys(catalog, current, segments)) {
      for (int i = 0; i < keys.size(); i++) {
        String prev = owner.putIfAbsent(keys.pk(i), keys.entry().id());
        if (prev != null) {
          throw new IllegalArgumentException("Duplicate primary key " + current.schema().primaryKey().name() + "="
              + keys.pk(i) + " in one write (written by two tasks) with on_duplicate=error; use on_duplicate=last"
              + " or first to keep one");
        }
      }
    }
  }

  /**
   * Generated keys must be new: none twice in this write, none already live (only live segments whose key range
   * overlaps the new keys' are read). A collision would silently replace a row, so the write fails instead.
   */
  private void checkAutoIdsUnique(Catalog catalog, List<SegmentEntry> segments) {
    Manifest current = catalog.current(spec.collection);
    String pk = current.schema().primaryKey().name();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (SegmentEntry s : segments) {
      FieldStats f = s.stats().field(pk);
      if (f != null && f.min() != null) {
        min = Math.min(min, (Long) f.min());
        max = Math.max(max, (Long) f.max());
      }
    }
    List<SegmentEntry> overlapping = new ArrayList<>();
    for (SegmentEntry s : current.segments()) {
      FieldStats f = s.stats().field(pk);
      if (s.rowCount() > 0 && (f == null || f.min() == null || ((Long) f.min() <= max && (Long) f.max() >= min))) {
        overlapping.add(s);
      }
    }
    Set<Object> keys = new HashSet<>();
    for (SnapshotVisibility.SegmentKeys k : SnapshotVisibility.readKeys(catalog, current, segments)) {
      for (int i = 0; i < k.size(); i++) {
        if (!keys.add(k.pk(i))) {
          throw new IllegalStateException("Auto id " + pk + "=" + k.pk(i) + " was generated twice in write "
              + spec.writeId + "; nothing committed, run the write again");
        }
      }
    }
    for (SnapshotVisibility.SegmentKeys k : SnapshotVisibility.readKeys(catalog, current, overlapping)) {
      for (int i = 0; i < k.size(); i++) {
        if (keys.contains(k.pk(i))) {
          throw new IllegalStateException("Auto id " + pk + "=" + k.pk(i) + " generated by write " + spec.writeId
              + " is already live in segment " + k.entry().id() + "; nothing committed, run the write again");
        }
      }
    }
  }

  @Override
  public void abort(WriterCommitMessage[] messages) {
    try {
      Catalog catalog = Warehouses.catalog(spec.warehouse, spec.conf);
      deleteQuietly(catalog, segments(messages));
    } catch (RuntimeException | Error e) {
      LOG.warn("Abort of Spark write {} could not clean up; garbage collection will: {}", spec.writeId,
          e.toString());
    }
  }

  private static List<SegmentEntry> segments(WriterCommitMessage[] messages) {
    List<SegmentEntry> out = new ArrayList<>();
    if (messages == null) {
      return out;
    }
    for (WriterCommitMessage m : messages) {
      if (m instanceof WrittenSegments) {
        out.addAll(((WrittenSegments) m).segments);
      }
    }
    return out;
  }

  private void deleteQuietly(Catalog catalog, List<SegmentEntry> segments) {
    for (SegmentEntry s : segments) {
      try {
        HadoopFiles.deleteQuietly(catalog.fileSystem(),
            SegmentFiles.segmentDir(catalog.collectionDir(spec.collection), s.id()), true);
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted segment {}: {}", s.id(), e.toString());
      }
    }
  }
}
