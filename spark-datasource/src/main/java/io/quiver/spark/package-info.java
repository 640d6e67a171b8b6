/**
 * Quiver for Spark: a thin adapter over {@code engine}.
 *
 * <h2>Reads</h2>
 * {@code spark.read.format("quiver").option("warehouse", ...).option("collection", ...)} (options:
 * {@link io.quiver.spark.QuiverOptions}) scans one manifest version: one input partition per segment that its stats
 * do not rule out (plus one for the unsealed WAL tail with {@code include_unsealed=true}), read column by column into
 * Arrow vectors and float buffers and handed to Spark as a {@code ColumnarBatch} without copying. Filters are
 * translated once ({@link io.quiver.spark.SparkFilters}); segment stats skip segments and the filter bitmap drops rows.
 * {@code explain()} shows the version, snapshot id, pushed filters, read schema and skipped segments; the table's
 * properties carry {@code version} and {@code snapshot-id} so a job can pin what it read
 * ({@code option("snapshot_id", ...)} or {@code option("version", ...)}).
 *
 * <h2>Visibility: where the hidden rows are computed</h2>
 * Upserts and deletes are applied on read with the engine's one rule ({@code io.quiver.engine.read.Visibility}),
 * which needs every segment's (pk, seq, offset). The driver computes it once per snapshot from a key index
 * ({@code io.quiver.engine.read.SnapshotVisibility}: only the pk, {@code __seq} and {@code __offset} columns, about
 * 24 bytes a row, read in parallel; cached per snapshot id) and ships each task the RoaringBitmap of its segment's
 * hidden rows, so a task reads only its own segment. When a snapshot has no delete files and its segments' key
 * ranges do not overlap, nothing is read at all. Tasks computing it themselves would each need every other segment's
 * keys; a distributed shuffle by key would cost a full extra pass. The driver-side key index costs about 24 MB per
 * million rows, once per version; compaction keeps it small.
 *
 * <h2>Writes</h2>
 * Executors write segment files directly ({@code SegmentWriter}), one open segment per shard; the driver commits
 * them once through the {@code ManifestCommitter}. Appends of existing keys need no delete files: the commit's
 * sequence number is greater than every earlier one, so under the row order rule the new row wins ({@code upsert}
 * and {@code append} are therefore the same). Duplicates inside one write: each row's offset is its position in the
 * DataFrame ({@code (partition << 32) | row}); {@code on_duplicate=last} keeps the greatest position (Spark's
 * partition order, then row order: the order {@code collect()} shows), {@code first} reverses the offsets so the
 * smallest wins, {@code error} fails the job naming the key.
 *
 * <h2>Catalog</h2>
 * {@link io.quiver.spark.QuiverCatalog}: namespace {@code db} + table {@code docs} = collection {@code db__docs};
 * procedures in {@link io.quiver.spark.catalog.Procedures}.
 *
 * <h2>Jobs</h2>
 * {@link io.quiver.spark.jobs.CompactionJob}, {@link io.quiver.spark.jobs.ReindexJob} and
 * {@link io.quiver.spark.jobs.VectorSearchJob} (kNN join); each has a Java API and a spark-submit main or a procedure.
 */
package io.quiver.spark;
