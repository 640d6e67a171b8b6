/**
 * The catalog and the one commit path.
 *
 * <h2>Manifest files (format version 1)</h2>
 *
 * {@code <warehouse>/<collection>/metadata/v<N>.json}, immutable, in the checksummed JSON envelope
 * ({@code {"format":"quiver-manifest","format-version":1,"crc32c":"<8 hex>","body":{...}}}, CRC-32C over the
 * body's exact bytes; see {@link io.quiver.engine.io.ChecksummedJson}). Body keys:
 *
 * <pre>
 * collection, version, snapshot-id, parent-snapshot-id, last-sequence-number, timestamp-ms, shards,
 * schema                 the current CollectionSchema (io.quiver.engine.schema.SchemaParser)
 * previous-schemas       earlier schema versions
 * partitions             ["_default", ...]
 * index-specs            {field: {kind, params}}
 * committed-offsets      {shard: highest WAL offset committed}
 * segments               [{sequence-number, stats: SegmentStats body, indexes: {field: {file, spec, bytes}}}]
 * delete-files           [{path, shard, sequence-number, count, first-offset, last-offset, bytes}]
 * summary                {operation, commit-id, added-rows, ...}
 * tags                   {name: version}
 * history                [{version, snapshot-id, timestamp-ms, file}]  retained earlier versions, oldest first
 * properties             {key: value}
 * </pre>
 *
 * <h2>Commit protocol</h2>
 *
 * Writers send {@link io.quiver.engine.catalog.CommitMessage}s to the
 * {@link io.quiver.engine.catalog.ManifestCommitter}, which applies them to the current manifest, stages
 * {@code v<N+1>}, and swaps the {@link io.quiver.engine.catalog.PointerStore} with compare-and-set, re-applying on
 * conflict. A message whose WAL offsets the current manifest covers is a no-op. Sequence numbers: each data commit
 * gets {@code last-sequence-number + 1}; a row's order is (sequence number, WAL offset); the visible row of a pk is
 * the greatest unless a delete with a greater order hides it.
 *
 * <p>Partitions: a message may set the partition list (create or drop a partition; a drop also truncates the
 * partition's segments). A segment added to a partition the list lacks is refused, except in a WAL commit (one that
 * covers offsets): those are rows written before their partition was dropped, and they are left out (summary
 * {@code rows-of-dropped-partitions}) so that ingestion goes on.
 */
package io.quiver.engine.catalog;
