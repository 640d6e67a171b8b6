package io.quiver.engine.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies a change to a base manifest; pure functions, re-run on every commit attempt against the newest base.
 * Returns the base itself when there is nothing to do.
 */
final class ManifestChanges {
  private ManifestChanges() {}

  static Manifest apply(Manifest base, CommitMessage msg) {
    // Idempotent streaming commits: offsets the base already covers make the whole message a no-op.
    if (!msg.offsets().isEmpty()) {
      boolean allCovered = true;
      for (Map.Entry<Integer, OffsetRange> e : msg.offsets().entrySet()) {
        int shard = e.getKey();
        if (shard < 0 || shard >= base.shards()) {
          throw new CommitFailedException("Commit " + msg.commitId() + " covers shard " + shard + " but "
              + base.collection() + " has " + base.shards() + " shards");
        }
        long committed = base.committedOffset(shard);
        OffsetRange r = e.getValue();
        if (r.last() <= committed) {
          continue;
        }
        allCovered = false;
        if (r.first() <= committed) {
          throw overlap(base, msg, shard, r, committed);
        }
      }
      if (allCovered) {
        return base;
      }
    }
    if (msg.isEmpty() || (msg.changesNoData() && base.partitions().containsAll(msg.addedPartitions()))) {
      return base;
    }
    // The partition list: replaced by a Milvus Create/DropPartition, extended by writes that create a partition.
    List<String> partitions = new ArrayList<>(msg.newPartitions() != null ? msg.newPartitions() : base.partitions());
    for (String p : msg.addedPartitions()) {
      if (!partitions.contains(p)) {
        partitions.add(p);
      }
    }
    Map<String, SegmentEntry> live = ManifestCommitter.byId(base.segments());
    List<SegmentEntry> segments = new ArrayList<>(base.segments());
    List<DeleteFileEntry> deletes = new ArrayList<>(base.deleteFiles());
    long removedRows = 0;
    if (msg.truncate()) {
      String p = msg.truncatePartition();
      for (SegmentEntry s : base.segments()) {
        if (p == null || p.equals(s.stats().partition())) {
          removedRows += s.rowCount();
        }
      }
      segments.removeIf(s -> p == null || p.equals(s.stats().partition()));
      if (p == null) {
        deletes.clear();
      }
    }
    for (String id : msg.removedSegments()) {
      SegmentEntry s = live.get(id);
      if (s == null) {
        throw new CommitFailedException("Commit " + msg.commitId() + " (" + msg.operation() + ") replaces segment "
            + id + ", which is no longer live in " + base.collection() + " v" + base.version());
      }
      removedRows += s.rowCount();
      segments.removeIf(x -> x.id().equals(id));
    }
    Set<String> deletePaths = new HashSet<>();
    deletes.forEach(d -> deletePaths.add(d.path()));
    for (String path : msg.removedDeletes()) {
      if (!deletePaths.contains(path) && !msg.truncate()) {
        throw new CommitFailedException("Commit " + msg.commitId() + " retires delete file " + path
            + ", which is no longer live in " + base.collection() + " v" + base.version());
      }
      deletes.removeIf(d -> d.path().equals(path));
    }
    for (Map.Entry<String, Map<String, IndexFile>> e : msg.indexUpdates().entrySet()) {
      int i = indexOf(segments, e.getKey());
      if (i < 0) {
        throw new CommitFailedException("Commit " + msg.commitId() + " sets an index on segment " + e.getKey()
            + ", which is no longer live in " + base.collection() + " v" + base.version());
      }
      Map<String, IndexFile> idx = new TreeMap<>(segments.get(i).indexes());
      idx.putAll(e.getValue());
      segments.set(i, segments.get(i).withIndexes(idx));
    }
    boolean addsData = !msg.addedSegments().isEmpty() || !msg.addedDeletes().isEmpty();
    long seq = addsData ? base.lastSequenceNumber() + 1 : base.lastSequenceNumber();
    Set<String> ids = ManifestCommitter.ids(segments);
    long addedRows = 0;
    long droppedRows = 0;
    int droppedSegments = 0;
    for (SegmentEntry s : msg.addedSegments()) {
      if (!ids.add(s.id())) {
        throw new CommitFailedException("Commit " + msg.commitId() + " adds segment " + s.id()
            + ", which is already live in " + base.collection() + " v" + base.version());
      }
      if (!partitions.contains(s.stats().partition()) && !msg.offsets().isEmpty()) {
        // WAL ingestion sealing rows of a partition dropped since they were written: they went with it.
        droppedRows += s.rowCount();
        droppedSegments++;
        continue;
      }
      if (!partitions.contains(s.stats().partition())) {
        throw new CommitFailedException("Commit " + msg.commitId() + " adds segment " + s.id() + " to partition '"
            + s.stats().partition() + "', which " + base.collection() + " does not have: " + partitions);
      }
      segments.add(s.withSequenceNumber(seq));
      addedRows += s.rowCount();
    }
    long addedDeletes = 0;
    for (DeleteFileEntry d : msg.addedDeletes()) {
      if (!deletePaths.add(d.path())) {
        throw new CommitFailedException("Commit " + msg.commitId() + " adds delete file " + d.path()
            + ", which is already live");
      }
      if (d.sequenceNumber() > base.lastSequenceNumber()) {
        throw new IllegalArgumentException("Commit " + msg.commitId() + " adds delete file " + d.path()
            + " bound to sequence number " + d.sequenceNumber() + ", after the last one of " + base.collection()
            + " v" + base.version() + " (" + base.lastSequenceNumber() + ")");
      }
      // A delete bound to the snapshot it was evaluated on keeps that snapshot's number: it hides only rows that
      // snapshot could see, never a row committed between its evaluation and this commit.
      deletes.add(d.sequenceNumber() > 0 ? d : d.withSequenceNumber(seq));
      addedDeletes += d.count();
    }
    Map<Integer, Long> offsets = new TreeMap<>(base.committedOffsets());
    msg.offsets().forEach((shard, r) -> offsets.merge(shard, r.last(), Math::max));
    Map<String, String> summary = new TreeMap<>(msg.summary());
    summary.put("added-segments", Integer.toString(msg.addedSegments().size() - droppedSegments));
    summary.put("added-rows", Long.toString(addedRows));
    summary.put("removed-segments", Integer.toString(base.segments().size() + msg.addedSegments().size()
        - droppedSegments - segments.size()));
    summary.put("removed-rows", Long.toString(removedRows));
    summary.put("added-deletes", Long.toString(addedDeletes));
    if (droppedRows > 0) {
      summary.put("rows-of-dropped-partitions", Long.toString(droppedRows));
    }
    summary.put("total-segments", Integer.toString(segments.size()));
    Manifest.Builder b = base.toBuilder()
        .partitions(partitions)
        .segments(segments)
        .deleteFiles(deletes)
        .committedOffsets(offsets)
        .lastSequenceNumber(seq)
        .summary(summary);
    if (msg.newIndexSpecs() != null) {
      b.indexSpecs(msg.newIndexSpecs());
    }
    return b.build();
  }

  static Manifest tag(Manifest base, String tag, long version) {
    if (tag == null || tag.isBlank() || tag.length() > 255) {
      throw new IllegalArgumentException("A tag name is 1-255 characters, got '" + tag + "'");
    }
    boolean retained = version == base.version()
        || base.history().stream().anyMatch(h -> h.version() == version);
    if (!retained) {
      throw new NoSuchVersionException("Cannot tag version " + version + " of " + base.collection()
          + ": it is not a retained version");
    }
    if (Long.valueOf(version).equals(base.tags().get(tag))) {
      return base;
    }
    Map<String, Long> tags = new TreeMap<>(base.tags());
    tags.put(tag, version);
    return base.toBuilder().tags(tags).summary(Map.of("tag", tag, "tagged-version", Long.toString(version))).build();
  }

  static Manifest removeTag(Manifest base, String tag) {
    if (!base.tags().containsKey(tag)) {
      return base;
    }
    Map<String, Long> tags = new TreeMap<>(base.tags());
    tags.remove(tag);
    return base.toBuilder().tags(tags).summary(Map.of("removed-tag", tag)).build();
  }

  private static CommitFailedException overlap(Manifest base, CommitMessage msg, int shard, OffsetRange r, long c) {
    return new CommitFailedException("Commit " + msg.commitId() + " covers offsets " + r.first() + ".." + r.last()
        + " of shard " + shard + ", overlapping what " + base.collection() + " v" + base.version()
        + " already committed (up to " + c + "); a replay must seal the same ranges");
  }

  private static int indexOf(List<SegmentEntry> segments, String id) {
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }
}
