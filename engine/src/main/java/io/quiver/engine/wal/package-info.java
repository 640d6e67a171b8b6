/**
 * The write-ahead log record codec: what Quiver puts into Kafka.
 *
 * <p>Topic {@code quiver.<collection>.wal}, one partition per shard. Record key: the primary key's bytes
 * ({@link io.quiver.engine.wal.Sharding#keyBytes}: INT64 as 8 big-endian bytes, VARCHAR as UTF-8). Shard:
 * Kafka's murmur2 partitioner over the key, mod the shard count, so any producer agrees. An operation's LSN is
 * (shard, Kafka offset).
 *
 * <p>Record value layout, format version 1 (all multi-byte header integers big-endian):
 *
 * <pre>
 * offset  size  field
 * 0       2     magic 0x51 0x57 ("QW")
 * 2       1     format version = 1
 * 3       1     op: 1 = insert, 2 = upsert, 3 = delete
 * 4       4     schema version (int32) of the collection schema the body was written with
 * 8       ...   Avro binary body:
 *                 string  partition name ("_default" unless the collection has named partitions)
 *                 insert/upsert: the row, Avro record io.quiver.row.QuiverRow of that schema version
 *                                (io.quiver.engine.schema.AvroSchemas#rowSchema: declared fields in schema
 *                                order, then "__meta" for a dynamic field)
 *                 delete: the primary key, Avro long (INT64) or string (VARCHAR)
 * </pre>
 *
 * <p>Nothing follows the body. Readers refuse a bad magic, an unknown format or schema version, a malformed or
 * trailing body, or a row that breaks its schema with a {@link io.quiver.engine.wal.WalDecodeException}; the
 * ingestion job routes such records to {@code quiver.<collection>.dlq}. A golden-bytes fixture
 * ({@code src/test/resources/wal/v1-*.hex}) pins this layout.
 */
package io.quiver.engine.wal;
