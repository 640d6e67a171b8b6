package io.quiver.wal;

import java.util.Collections;
import java.util.List;

/**
 * What one write call put into the WAL.
 *
 * @param primaryKeys the primary key of each record, in input order (assigned ids for auto-id inserts)
 * @param token per shard, the highest offset written by this call: the session token for read-your-writes
 */
public record WriteResult(List<Object> primaryKeys, ReadToken token) {
  public WriteResult {
    primaryKeys = Collections.unmodifiableList(primaryKeys);
  }

  /** Number of records written. */
  public int count() {
    return primaryKeys.size();
  }
}
