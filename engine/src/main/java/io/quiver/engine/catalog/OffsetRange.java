package io.quiver.engine.catalog;

import java.io.Serializable;

/** WAL offsets {@code first..last} (inclusive) of one shard that a commit covers. */
public record OffsetRange(long first, long last) implements Serializable {
  public OffsetRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("Bad offset range " + first + ".." + last);
    }
  }
}
