/**
 * Planners for batch maintenance: compaction and reindex. They look at a manifest version and return immutable,
 * serializable plans whose tasks a batch engine (Spark) runs one by one; the results go back through the one commit
 * path ({@link io.quiver.engine.catalog.ManifestCommitter}). Plan in the engine, execute in Spark (Iceberg's
 * {@code FileRewritePlanner} + {@code RewriteDataFilesSparkAction}).
 *
 * <h2>Compaction and the row order rule</h2>
 * A compaction task rewrites the visible rows of its input segments into one segment, in (sequence number, offset)
 * order, writing each row's effective sequence number and offset explicitly ({@code __seq}, {@code __offset}), so
 * rewritten rows keep their place in the one order. Rows hidden by a newer row or a delete are dropped. A delete
 * file is retired only when no live segment outside the compaction can hold one of its keys (same shard, or a
 * shard-less segment, whose primary key range contains a deleted key); delete files committed after the plan was
 * made are never touched, and they keep hiding the rewritten rows because those keep their old order.
 */
package io.quiver.engine.maintenance;
