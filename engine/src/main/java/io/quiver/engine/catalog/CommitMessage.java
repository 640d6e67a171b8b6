package io.quiver.engine.catalog;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.annotation.Nullable;

/**
 * What one writer wants to change, sent to the one {@link ManifestCommitter}: segments added and removed, delete files
 * added and removed, index files swapped in, WAL offsets covered. Flink's committer, Spark's {@code BatchWrite},
 * compaction and reindex all produce these; the committer re-applies one to the newest manifest on conflict.
 *
 * <p>Serializable (Spark ships it from executors) and convertible to JSON (Flink's versioned serializer). Build
 * with {@link #builder(String)}.
 */
public final class CommitMessage implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String commitId;
  private final String operation;
  private final List<SegmentEntry> addedSegments;
  private final Set<String> removedSegments;
  private final List<DeleteFileEntry> addedDeletes;
  private final Set<String> removedDeletes;
  private final Map<String, Map<String, IndexFile>> indexUpdates;
  private final Map<Integer, OffsetRange> offsets;
  private final boolean truncate;
  @Nullable private final String truncatePartition;
  private final Set<String> addedPartitions;
  @Nullable private final Map<String, IndexSpec> newIndexSpecs;
  @Nullable private final List<String> newPartitions;
  private final Map<String, String> summary;

  private CommitMessage(Builder b) {
    this.commitId = b.commitId;
    this.operation = b.operation;
    this.addedSegments = Collections.unmodifiableList(new ArrayList<>(b.addedSegments));
    this.removedSegments = Collections.unmodifiableSet(new LinkedHashSet<>(b.removedSegments));
    this.addedDeletes = Collections.unmodifiableList(new ArrayList<>(b.addedDeletes));
    this.removedDeletes = Collections.unmodifiableSet(new LinkedHashSet<>(b.removedDeletes));
    this.indexUpdates = Collections.unmodifiableMap(new LinkedHashMap<>(b.indexUpdates));
    this.offsets = Collections.unmodifiableMap(new TreeMap<>(b.offsets));
    this.truncate = b.truncate;
    this.truncatePartition = b.truncatePartition;
    this.addedPartitions = Collections.unmodifiableSet(new LinkedHashSet<>(b.addedPartitions));
    this.newIndexSpecs = b.newIndexSpecs == null ? null : Collections.unmodifiableMap(new TreeMap<>(b.newIndexSpecs));
    this.newPartitions = b.newPartitions == null ? null : Collections.unmodifiableList(new ArrayList<>(b.newPartitions));
    this.summary = Collections.unmodifiableMap(new TreeMap<>(b.summary));
  }

  /**
   * @param operation what kind of change: {@code append}, {@code overwrite}, {@code replace} (compaction),
   *     {@code reindex}, {@code delete}, {@code stream} (WAL ingestion)
   */
  public static Builder builder(String operation) {
    return new Builder(operation);
  }

  /** A unique id of this message, for logs and for recognising one's own commit after an unknown outcome. */
  public String commitId() {
    return commitId;
  }

  public String operation() {
    return operation;
  }

  public List<SegmentEntry> addedSegments() {
    return addedSegments;
  }

  public Set<String> removedSegments() {
    return removedSegments;
  }

  public List<DeleteFileEntry> addedDeletes() {
    return addedDeletes;
  }

  public Set<String> removedDeletes() {
    return removedDeletes;
  }

  /** Index files to set, by segment id then vector field. */
  public Map<String, Map<String, IndexFile>> indexUpdates() {
    return indexUpdates;
  }

  /** WAL offsets covered, by shard. */
  public Map<Integer, OffsetRange> offsets() {
    return offsets;
  }

  /** Replace every live segment and delete file (of {@link #truncatePartition()} if set) existing when applied. */
  public boolean truncate() {
    return truncate;
  }

  @Nullable
  public String truncatePartition() {
    return truncatePartition;
  }

  @Nullable
  public Map<String, IndexSpec> newIndexSpecs() {
    return newIndexSpecs;
  }

  /** The collection's partition list after this commit (created or dropped partitions), or null to keep it. */
  @Nullable
  public List<String> newPartitions() {
    return newPartitions;
  }

  public Map<String, String> summary() {
    return summary;
  }

  /** Partitions this commit creates when the base lacks them (its segments may go there). */
  public Set<String> addedPartitions() {
    return addedPartitions;
  }

  public boolean isEmpty() {
    return addedPartitions.isEmpty() && changesNoData();
  }

  /** True when the message changes nothing but (maybe) the partition list. */
  boolean changesNoData() {
    return addedSegments.isEmpty() && removedSegments.isEmpty() && addedDeletes.isEmpty() && removedDeletes.isEmpty()
        && indexUpdates.isEmpty() && offsets.isEmpty() && !truncate && newIndexSpecs == null && newPartitions == null;
  }

  @Override
  public String toString() {
    return operation + " " + commitId + ": +" + addedSegments.size() + " segments, -" + removedSegments.size()
        + ", +" + addedDeletes.size() + " delete files, offsets " + offsets;
  }

  /** Builds a {@link CommitMessage}. */
  public static final class Builder {
    private String commitId = UUID.randomUUID().toString();
    private final String operation;
    private final List<SegmentEntry> addedSegments = new ArrayList<>();
    private final Set<String> removedSegments = new LinkedHashSet<>();
    private final Set<String> addedPartitions = new LinkedHashSet<>();
    private final List<DeleteFileEntry> addedDeletes = new ArrayList<>();
    private final Set<String> removedDeletes = new LinkedHashSet<>();
    private final Map<String, Map<String, IndexFile>> indexUpdates = new LinkedHashMap<>();
    private final Map<Integer, OffsetRange> offsets = new TreeMap<>();
    private boolean truncate;
    private String truncatePartition;
    private Map<String, IndexSpec> newIndexSpecs;
    private List<String> newPartitions;
    private final Map<String, String> summary = new TreeMap<>();

    private Builder(String operation) {
      this.operation = operation;
    }

    public Builder commitId(String id) {
      this.commitId = id;
      return this;
    }

    public Builder addSegment(SegmentEntry segment) {
      addedSegments.add(segment);
      return this;
    }

    public Builder addSegments(List<SegmentEntry> segments) {
      addedSegments.addAll(segments);
      return this;
    }

    public Builder removeSegment(String segmentId) {
      removedSegments.add(segmentId);
      return this;
    }

    public Builder addDeleteFile(DeleteFileEntry file) {
      addedDeletes.add(file);
      return this;
    }

    public Builder removeDeleteFile(String path) {
      removedDeletes.add(path);
      return this;
    }

    public Builder setIndex(String segmentId, String field, IndexFile file) {
      indexUpdates.computeIfAbsent(segmentId, k -> new TreeMap<>()).put(field, file);
      return this;
    }

    /** Records that this commit covers WAL offsets {@code first..last} of {@code shard}. */
    public Builder covers(int shard, long first, long last) {
      OffsetRange prev = offsets.get(shard);
      offsets.put(shard, prev == null ? new OffsetRange(first, last)
          : new OffsetRange(Math.min(prev.first(), first), Math.max(prev.last(), last)));
      return this;
    }

    /** Creates {@code partition} if the collection does not have it yet (a no-op otherwise). */
    public Builder addPartition(String partition) {
      if (partition == null || partition.isBlank() || partition.length() > 255) {
        throw new IllegalArgumentException("A partition name is 1-255 characters, got '" + partition + "'");
      }
      addedPartitions.add(partition);
      return this;
    }

    public Builder truncate(@Nullable String partition) {
      this.truncate = true;
      this.truncatePartition = partition;
      return this;
    }

    public Builder indexSpecs(Map<String, IndexSpec> specs) {
      this.newIndexSpecs = specs;
      return this;
    }

    /**
     * Sets the collection's partition list (Milvus CreatePartition / DropPartition). Dropping a partition is this
     * plus {@link #truncate(String)} of it, in one commit.
     */
    public Builder partitions(List<String> partitions) {
      this.newPartitions = new ArrayList<>(partitions);
      return this;
    }

    public Builder summary(String key, String value) {
      summary.put(key, value);
      return this;
    }

    public CommitMessage build() {
      return new CommitMessage(this);
    }
  }
}
