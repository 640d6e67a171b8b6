/**
 * Segment and delete files: the only place that knows their bytes.
 *
 * <h2>Layout under a collection directory</h2>
 *
 * <pre>
 * &lt;warehouse&gt;/&lt;collection&gt;/
 *   segments/&lt;segment-id&gt;/data.parquet       every field, vectors included
 *   segments/&lt;segment-id&gt;/stats.json         SegmentStats in the checksummed JSON envelope
 *   segments/&lt;segment-id&gt;/&lt;field&gt;.&lt;kind&gt;.index  vector index files (io.quiver.engine.index)
 *   deletes/&lt;shard&gt;/d-&lt;first&gt;-&lt;last&gt;.parquet   WAL deletes of a shard, offsets first..last
 *   deletes/&lt;shard&gt;/b-&lt;uuid&gt;.parquet          batch deletes
 *   metadata/v&lt;N&gt;.json                        manifests (io.quiver.engine.catalog)
 * </pre>
 *
 * <p>A WAL segment's id is {@code w<shard:4>-<first offset:19>-<last offset:19>-<hash:8 hex>}, derived only from
 * (collection, shard, first offset, last offset): a replay seals the same rows under the same name and overwrites
 * the same files. Batch writers use {@code <kind>-<uuid>}. Nothing is visible until a manifest lists it.
 *
 * <h2>data.parquet (format version 1)</h2>
 *
 * Written through the Hadoop FileSystem API (local, S3A, HDFS) in the layout parquet-avro gives the Avro record
 * {@code io.quiver.row.QuiverRow} from {@link io.quiver.engine.schema.AvroSchemas#segmentSchema}: the declared
 * fields in schema order (FLOAT_VECTOR as a 3-level Parquet list of FLOAT: v1 data pages of about 1 MB, RLE levels,
 * PLAIN values, no dictionary, no statistics), {@code __meta} (the
 * dynamic field's JSON, when the schema has one), then {@code __seq} (INT64: the sequence number of the commit that
 * first added the row, 0 = the commit that added this segment) and {@code __offset} (INT64: the row's WAL offset,
 * or its position in a batch write). The Avro schema in the footer carries every Quiver field attribute, so a data
 * file describes itself ({@code parquet.avro.schema}). {@code SegmentFileWriter} writes rows straight into that
 * layout (no Avro records, no boxed vector elements); any parquet-avro reader reads the files. SNAPPY compression
 * for scalar and system columns, vector columns uncompressed (the codec is per column chunk in the footer); Parquet
 * page CRCs written and verified on read.
 *
 * <h2>stats.json (format version 1)</h2>
 *
 * {@code {"format":"quiver-segment-stats","format-version":1,"crc32c":"<8 hex>","body":{...}}}, the CRC-32C taken
 * over the body's exact bytes (see {@link io.quiver.engine.io.ChecksummedJson}). Body: segment-id, schema-version,
 * partition, shard (-1 for batch writes), row-count, first-offset, last-offset, data-bytes (length of
 * data.parquet, checked on read), fields: {name: {min, max, null-count}} for every scalar field. The same body is
 * copied into the manifest entry of the segment so planners prune without opening files.
 *
 * <h2>Delete files</h2>
 *
 * Parquet, Avro record {@code io.quiver.row.QuiverDelete {pk: long|string, offset: long}}, one shard per file; the
 * manifest entry records shard, sequence number, count, offset range and length. Row order and visibility: see
 * {@link io.quiver.engine.segment.DeleteFiles}.
 */
package io.quiver.engine.segment;
