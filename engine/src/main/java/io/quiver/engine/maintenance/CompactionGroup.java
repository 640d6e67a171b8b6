package io.quiver.engine.maintenance;

import io.quiver.engine.catalog.SegmentEntry;
import java.io.Serializable;
import java.util.List;

/**
 * One compaction task: segments of one (partition, shard) merged into the segment {@code outputId}.
 *
 * @param shard the shard every input belongs to (-1: shard-less batch segments)
 * @param partition the partition every input belongs to
 * @param inputs the segments to merge, oldest commit first
 * @param outputId the id of the merged segment (derived from the plan id, so a retried task rewrites the same files)
 */
public record CompactionGroup(int shard, String partition, List<SegmentEntry> inputs, String outputId)
    implements Serializable {
  public CompactionGroup {
    inputs = List.copyOf(inputs);
  }

  public long inputBytes() {
    return inputs.stream().mapToLong(s -> s.stats().dataBytes()).sum();
  }

  public long inputRows() {
    return inputs.stream().mapToLong(SegmentEntry::rowCount).sum();
  }
}
