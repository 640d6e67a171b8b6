package io.quiver.engine.maintenance;

import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.SegmentEntry;
import java.io.Serializable;
import java.util.List;

/**
 * What one compaction run does: its tasks and the delete files it retires, planned against manifest version
 * {@code baseVersion}. Immutable and serializable.
 */
public record CompactionPlan(String collection, long baseVersion, String planId, List<CompactionGroup> groups,
    List<String> retiredDeleteFiles) implements Serializable {
  public CompactionPlan {
    groups = List.copyOf(groups);
    retiredDeleteFiles = List.copyOf(retiredDeleteFiles);
  }

  public boolean isEmpty() {
    return groups.isEmpty() && retiredDeleteFiles.isEmpty();
  }

  /**
   * The one replace commit: inputs out, outputs in, retired delete files out. The committer re-applies it on top of
   * concurrent commits and fails only when an input segment or a retired delete file is no longer live.
   *
   * @param outputs the segments the tasks wrote (tasks whose rows were all hidden write none)
   */
  public CommitMessage commitMessage(List<SegmentEntry> outputs) {
    CommitMessage.Builder b = CommitMessage.builder("replace").commitId("compaction-" + planId);
    for (CompactionGroup g : groups) {
      g.inputs().forEach(s -> b.removeSegment(s.id()));
    }
    b.addSegments(outputs);
    retiredDeleteFiles.forEach(b::removeDeleteFile);
    b.summary("compaction-plan", planId)
        .summary("compaction-base-version", Long.toString(baseVersion))
        .summary("retired-delete-files", Integer.toString(retiredDeleteFiles.size()));
    return b.build();
  }
}
