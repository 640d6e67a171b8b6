package io.quiver.engine.catalog;

import io.quiver.engine.segment.SegmentStats;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A live segment in a manifest.
 *
 * @param sequenceNumber the sequence number of the commit that added it (rows with {@code __seq = 0} inherit it)
 * @param stats what the segment holds (copied from its stats file)
 * @param indexes index files by vector field name
 */
public record SegmentEntry(long sequenceNumber, SegmentStats stats, Map<String, IndexFile> indexes)
    implements Serializable {
  public SegmentEntry {
    indexes = Collections.unmodifiableMap(new TreeMap<>(indexes));
  }

  /** A segment as a writer reports it, before a commit assigns its sequence number. */
  public static SegmentEntry written(SegmentStats stats, Map<String, IndexFile> indexes) {
    return new SegmentEntry(0, stats, indexes);
  }

  public String id() {
    return stats.segmentId();
  }

  public long rowCount() {
    return stats.rowCount();
  }

  public SegmentEntry withSequenceNumber(long seq) {
    return new SegmentEntry(seq, stats, indexes);
  }

  public SegmentEntry withIndexes(Map<String, IndexFile> newIndexes) {
    return new SegmentEntry(sequenceNumber, stats, newIndexes);
  }
}
