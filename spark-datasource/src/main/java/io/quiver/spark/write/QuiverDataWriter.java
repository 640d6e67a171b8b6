package io.quiver.spark.write;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.wal.Sharding;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.Warehouses;
import io.quiver.wal.AutoIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.annotation.Nullable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * Writes one Spark task's rows straight into segment files, one open segment per shard (a row's shard is Kafka's
 * partitioner over its key, as for WAL rows), rolled over every {@code segment_rows} rows. Nothing is visible until
 * the driver commits.
 *
 * <p>Row order inside the write: a row's offset is its position in the DataFrame, {@code (partition << 32) | row}
 * ({@code on_duplicate=last}, the default, and {@code error}), or that position reversed ({@code first}); so under
 * the row order rule the last (or first) duplicate of a key wins, deterministically.
 *
 * <p>Auto-id collections: the task generates each row's key with {@link AutoIds} (the layout every Quiver writer
 * uses), node id {@code (job's random base + partition) mod 4096}, so no two tasks of one job share a node id; the
 * driver verifies at commit that no generated key is already live ({@code QuiverBatchWrite}).
 */
final class QuiverDataWriter implements DataWriter<InternalRow> {
  private static final long FIRST_BASE = 1L << 62;

  private final WriteSpec spec;
  private final int partitionId;
  private final long taskId;
  private final CollectionSchema schema;
  private final Catalog catalog;
  private final Map<Integer, SegmentWriter> open = new HashMap<>();
  private final List<SegmentWriter> all = new ArrayList<>();
  private final List<SegmentEntry> finished = new ArrayList<>();
  private final Map<Object, Long> seen;
  @Nullable private final LongSupplier autoIds;
  private long row;

  QuiverDataWriter(WriteSpec spec, int partitionId, long taskId) {
    if (partitionId >= (1 << 30)) {
      throw new IllegalArgumentException("Cannot write partition " + partitionId + ": at most 2^30 partitions");
    }
    this.spec = spec;
    this.partitionId = partitionId;
    this.taskId = taskId;
    this.schema = spec.schema();
    this.catalog = Warehouses.catalog(spec.warehouse, spec.conf);
    this.seen = spec.onDuplicate == QuiverOptions.OnDuplicate.ERROR ? new HashMap<>() : null;
    this.autoIds = schema.primaryKey().isAutoId() ? spec.taskKeys.forTask(partitionId) : null;
  }

  @Override
  public void write(InternalRow record) {
    if (row >= (1L << 32)) {
      throw new IllegalStateException("Task " + partitionId + " has more than 2^32 rows; repartition the DataFrame");
    }
    String where = "task partition " + partitionId + ", row " + row;
    Row r = spec.converter.convert(schema, record, where, autoIds);
    Object pk = r.get(schema.primaryKeyPosition());
    if (seen != null) {
      Long prev = seen.putIfAbsent(pk, row);
      if (prev != null) {
        throw new IllegalArgumentException("Duplicate primary key " + schema.primaryKey().name() + "=" + pk
            + " in one write (task partition " + partitionId + ", rows " + prev + " and " + row
            + ") with on_duplicate=error; use on_duplicate=last or first to keep one");
      }
    }
    long position = ((long) partitionId << 32) | row;
    long offset = spec.onDuplicate == QuiverOptions.OnDuplicate.FIRST ? FIRST_BASE - position : position;
    int shard = Sharding.shardOf(pk, spec.shards);
    SegmentWriter w = open.get(shard);
    if (w == null) {
      w = SegmentWriter.create(catalog.conf(), catalog.collectionDir(spec.collection), schema,
          SegmentFiles.batchSegmentId("b", spec.writeId + "/" + partitionId + "/" + taskId + "/" + shard + "/"
              + all.size()), spec.partition, shard);
      open.put(shard, w);
      all.add(w);
    }
    w.write(r, 0, offset);
    row++;
    if (w.rowCount() >= spec.segmentRows) {
      finished.add(SegmentEntry.written(w.finish(), Map.of()));
      open.remove(shard);
    }
  }

  @Override
  public WriterCommitMessage commit() {
    for (SegmentWriter w : open.values()) {
      finished.add(SegmentEntry.written(w.finish(), Map.of()));
    }
    open.clear();
    return new WrittenSegments(finished);
  }

  @Override
  public void abort() {
    for (SegmentWriter w : all) {
      w.abort();
    }
    open.clear();
  }

  @Override
  public void close() {
    for (SegmentWriter w : open.values()) {
      w.close();
    }
  }
}
