package io.quiver.engine.catalog;

import io.quiver.engine.schema.CollectionSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * One immutable version of a collection: schema, index specs, live segments and their index files, delete files,
 * per-shard committed WAL offsets, the snapshot id and its parent, a summary of the change, tags and the retained
 * history. Written as {@code metadata/v<N>.json} (layout in this package's {@code package-info}).
 *
 * <p>Sequence numbers: every commit that adds data gets {@code lastSequenceNumber + 1}; its segments and delete
 * files carry it. A row's order is (sequence number, WAL offset), see {@code io.quiver.engine.segment.DeleteFiles}.
 */
public final class Manifest {
  /** Committed offset of a shard nothing has been committed from yet. */
  public static final long NO_OFFSET = -1L;

  private final String collection;
  private final long version;
  private final long snapshotId;
  private final long parentSnapshotId;
  private final long lastSequenceNumber;
  private final long timestampMillis;
  private final CollectionSchema schema;
  private final List<CollectionSchema> previousSchemas;
  private final int shards;
  private final List<String> partitions;
  private final Map<String, IndexSpec> indexSpecs;
  private final List<SegmentEntry> segments;
  private final List<DeleteFileEntry> deleteFiles;
  private final Map<Integer, Long> committedOffsets;
  private final Map<String, String> summary;
  private final Map<String, Long> tags;
  private final List<HistoryEntry> history;
  private final Map<String, String> properties;

  /** A retained earlier version: where its manifest file is and when it was made. */
  public record HistoryEntry(long version, long snapshotId, long timestampMillis, String file) {}

  Manifest(Builder b) {
    this.collection = b.collection;
    this.version = b.version;
    this.snapshotId = b.snapshotId;
    this.parentSnapshotId = b.parentSnapshotId;
    this.lastSequenceNumber = b.lastSequenceNumber;
    this.timestampMillis = b.timestampMillis;
    this.schema = b.schema;
    this.previousSchemas = List.copyOf(b.previousSchemas);
    this.shards = b.shards;
    this.partitions = List.copyOf(b.partitions);
    this.indexSpecs = Collections.unmodifiableMap(new TreeMap<>(b.indexSpecs));
    this.segments = List.copyOf(b.segments);
    this.deleteFiles = List.copyOf(b.deleteFiles);
    this.committedOffsets = Collections.unmodifiableMap(new TreeMap<>(b.committedOffsets));
    this.summary = Collections.unmodifiableMap(new TreeMap<>(b.summary));
    this.tags = Collections.unmodifiableMap(new TreeMap<>(b.tags));
    this.history = List.copyOf(b.history);
    this.properties = Collections.unmodifiableMap(new TreeMap<>(b.properties));
  }

  public String collection() {
    return collection;
  }

  public long version() {
    return version;
  }

  public long snapshotId() {
    return snapshotId;
  }

  /** Snapshot id of the version this one was made from, or 0 for the first version. */
  public long parentSnapshotId() {
    return parentSnapshotId;
  }

  public long lastSequenceNumber() {
    return lastSequenceNumber;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  public CollectionSchema schema() {
    return schema;
  }

  /** Earlier schema versions, so WAL records and segments written before a schema change stay readable. */
  public List<CollectionSchema> previousSchemas() {
    return previousSchemas;
  }

  public int shards() {
    return shards;
  }

  public List<String> partitions() {
    return partitions;
  }

  public Map<String, IndexSpec> indexSpecs() {
    return indexSpecs;
  }

  public List<SegmentEntry> segments() {
    return segments;
  }

  @Nullable
  public SegmentEntry segment(String id) {
    for (SegmentEntry s : segments) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }

  public List<DeleteFileEntry> deleteFiles() {
    return deleteFiles;
  }

  /** Highest WAL offset committed per shard ({@link #NO_OFFSET} when none). */
  public Map<Integer, Long> committedOffsets() {
    return committedOffsets;
  }

  public long committedOffset(int shard) {
    return committedOffsets.getOrDefault(shard, NO_OFFSET);
  }

  public Map<String, String> summary() {
    return summary;
  }

  public Map<String, Long> tags() {
    return tags;
  }

  /** Retained earlier versions, oldest first (this version excluded). */
  public List<HistoryEntry> history() {
    return history;
  }

  public Map<String, String> properties() {
    return properties;
  }

  /** Rows in live segments, before deletes. */
  public long totalRows() {
    long n = 0;
    for (SegmentEntry s : segments) {
      n += s.rowCount();
    }
    return n;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder(String collection, CollectionSchema schema, int shards) {
    return new Builder(collection, schema, shards);
  }

  @Override
  public String toString() {
    return collection + " v" + version + " (snapshot " + snapshotId + ", seq " + lastSequenceNumber + ", "
        + segments.size() + " segments, " + deleteFiles.size() + " delete files, offsets " + committedOffsets + ")";
  }

  /** Builds a manifest; used by the committer and the parser. */
  public static final class Builder {
    String collection;
    long version;
    long snapshotId;
    long parentSnapshotId;
    long lastSequenceNumber;
    long timestampMillis;
    CollectionSchema schema;
    List<CollectionSchema> previousSchemas = new ArrayList<>();
    int shards;
    List<String> partitions = new ArrayList<>(List.of("_default"));
    Map<String, IndexSpec> indexSpecs = new TreeMap<>();
    List<SegmentEntry> segments = new ArrayList<>();
    List<DeleteFileEntry> deleteFiles = new ArrayList<>();
    Map<Integer, Long> committedOffsets = new TreeMap<>();
    Map<String, String> summary = new TreeMap<>();
    Map<String, Long> tags = new TreeMap<>();
    List<HistoryEntry> history = new ArrayList<>();
    Map<String, String> properties = new LinkedHashMap<>();

    Builder(String collection, CollectionSchema schema, int shards) {
      this.collection = collection;
      this.schema = schema;
      this.shards = shards;
    }

    Builder(Manifest m) {
      this.collection = m.collection;
      this.version = m.version;
      this.snapshotId = m.snapshotId;
      this.parentSnapshotId = m.parentSnapshotId;
      this.lastSequenceNumber = m.lastSequenceNumber;
      this.timestampMillis = m.timestampMillis;
      this.schema = m.schema;
      this.previousSchemas = new ArrayList<>(m.previousSchemas);
      this.shards = m.shards;
      this.partitions = new ArrayList<>(m.partitions);
      this.indexSpecs = new TreeMap<>(m.indexSpecs);
      this.segments = new ArrayList<>(m.segments);
      this.deleteFiles = new ArrayList<>(m.deleteFiles);
      this.committedOffsets = new TreeMap<>(m.committedOffsets);
      this.summary = new TreeMap<>();
      this.tags = new TreeMap<>(m.tags);
      this.history = new ArrayList<>(m.history);
      this.properties = new LinkedHashMap<>(m.properties);
    }

    public Builder version(long v) {
      this.version = v;
      return this;
    }

    public Builder snapshotId(long v) {
      this.snapshotId = v;
      return this;
    }

    public Builder parentSnapshotId(long v) {
      this.parentSnapshotId = v;
      return this;
    }

    public Builder lastSequenceNumber(long v) {
      this.lastSequenceNumber = v;
      return this;
    }

    public Builder timestampMillis(long v) {
      this.timestampMillis = v;
      return this;
    }

    public Builder schema(CollectionSchema s) {
      this.schema = s;
      return this;
    }

    public Builder previousSchemas(List<CollectionSchema> s) {
      this.previousSchemas = new ArrayList<>(s);
      return this;
    }

    public Builder partitions(List<String> p) {
      this.partitions = new ArrayList<>(p);
      return this;
    }

    public Builder indexSpecs(Map<String, IndexSpec> specs) {
      this.indexSpecs = new TreeMap<>(specs);
      return this;
    }

    public Builder segments(List<SegmentEntry> s) {
      this.segments = new ArrayList<>(s);
      return this;
    }

    public Builder deleteFiles(List<DeleteFileEntry> d) {
      this.deleteFiles = new ArrayList<>(d);
      return this;
    }

    public Builder committedOffsets(Map<Integer, Long> o) {
      this.committedOffsets = new TreeMap<>(o);
      return this;
    }

    public Builder summary(Map<String, String> s) {
      this.summary = new TreeMap<>(s);
      return this;
    }

    public Builder tags(Map<String, Long> t) {
      this.tags = new TreeMap<>(t);
      return this;
    }

    public Builder history(List<HistoryEntry> h) {
      this.history = new ArrayList<>(h);
      return this;
    }

    public Builder properties(Map<String, String> p) {
      this.properties = new LinkedHashMap<>(p);
      return this;
    }

    public Manifest build() {
      if (collection == null || schema == null || shards <= 0) {
        throw new IllegalStateException("A manifest needs a collection, a schema and a positive shard count");
      }
      return new Manifest(this);
    }
  }
}
