package io.quiver.engine.catalog;

import java.io.Serializable;

/**
 * A delete file in a manifest.
 *
 * @param path path relative to the collection directory ({@code deletes/<shard>/...})
 * @param shard the shard whose keys it deletes
 * @param sequenceNumber sequence number of the commit that added it (0 until committed), or, for a batch delete
 *     evaluated on a snapshot, that snapshot's last sequence number (set by the writer, kept by the commit): the
 *     delete then hides only rows committed at or before that snapshot
 * @param count number of deletes
 * @param firstOffset lowest delete offset
 * @param lastOffset highest delete offset
 * @param bytes file length
 */
public record DeleteFileEntry(String path, int shard, long sequenceNumber, long count, long firstOffset,
    long lastOffset, long bytes) implements Serializable {
  public DeleteFileEntry withSequenceNumber(long seq) {
    return new DeleteFileEntry(path, shard, seq, count, firstOffset, lastOffset, bytes);
  }
}
