package io.quiver.flink.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.ManifestCommitter;
import io.quiver.engine.catalog.ManifestParser;
import io.quiver.engine.io.ChecksummedJson;
import io.quiver.flink.FailurePoints;
import io.quiver.flink.IngestionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.connector.sink2.Committer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each completed checkpoint's committable as one manifest commit, through the engine's one commit path.
 *
 * <p>Idempotent: the commit message covers the WAL offset ranges it seals, and {@link ManifestCommitter} makes a
 * message whose offsets the manifest already covers a no-op. So a committable restored after a failure between
 * "checkpoint complete" and "manifest committed" (or after an unknown commit outcome) is simply committed again.
 * Any failure is rethrown: the job restarts from the last checkpoint and Flink hands the committable back.
 */
final class StreamCommitter implements Committer<ManifestCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamCommitter.class);

  private final IngestionOptions options;
  private final Catalog catalog;
  private final ManifestCommitter committer;
  private final GroupOffsets groupOffsets;

  StreamCommitter(IngestionOptions options) {
    this.options = options;
    this.catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    this.committer = catalog.committer(options.collection());
    this.groupOffsets = new GroupOffsets(options);
  }

  /** Commits each request's manifest, then publishes the committed offsets to the job's consumer group. */
  @Override
  public void commit(Collection<CommitRequest<ManifestCommittable>> requests) {
    Manifest last = null;
    for (CommitRequest<ManifestCommittable> request : requests) {
      Manifest base = catalog.current(options.collection());
      CommitMessage message = toMessage(request.getCommittable(), base);
      FailurePoints.check(FailurePoints.BEFORE_MANIFEST_COMMIT);
      Manifest after = committer.commit(message);
      if (after.version() == base.version()) {
        LOG.info("{} already covered by {} v{}: nothing to commit", message, options.collection(), base.version());
        request.signalAlreadyCommitted();
      }
      FailurePoints.check(FailurePoints.AFTER_MANIFEST_COMMIT);
      last = after;
    }
    if (last != null) {
      groupOffsets.publish(last);
    }
  }

  /** The commit message of a committable; checks that each shard's ranges are contiguous. */
  static CommitMessage toMessage(ManifestCommittable c, Manifest base) {
    List<SealedPiece> pieces = new ArrayList<>(c.pieces());
    pieces.sort(Comparator.<SealedPiece>comparingInt(p -> p.shard).thenComparingLong(p -> p.firstOffset));
    CommitMessage.Builder b = CommitMessage.builder("stream");
    Map<Integer, long[]> ranges = new TreeMap<>();
    try {
      for (SealedPiece p : pieces) {
        if (p.shard < base.shards() && p.lastOffset <= base.committedOffset(p.shard)) {
          continue; // already committed: a committable restored from a savepoint older than the manifest
        }
        long[] r = ranges.get(p.shard);
        if (r != null && p.firstOffset != r[1] + 1) {
          throw new IllegalStateException("Sealed ranges of shard " + p.shard + " are not contiguous: " + r[0]
              + ".." + r[1] + " then " + p.firstOffset + ".." + p.lastOffset);
        }
        ranges.put(p.shard, new long[] {r == null ? p.firstOffset : r[0], p.lastOffset});
        b.covers(p.shard, p.firstOffset, p.lastOffset);
        for (JsonNode s : ChecksummedJson.MAPPER.readTree(p.segments)) {
          b.addSegment(ManifestParser.segment(s, base.schema(), base.previousSchemas()));
        }
        for (JsonNode d : ChecksummedJson.MAPPER.readTree(p.deletes)) {
          b.addDeleteFile(ManifestParser.delete(d));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read committable " + c, e);
    }
    StringBuilder id = new StringBuilder("stream");
    ranges.forEach((shard, r) -> {
      b.summary("offsets." + shard, r[0] + ".." + r[1]);
      id.append('-').append(shard).append(':').append(r[0]).append("..").append(r[1]);
    });
    return b.commitId(id.toString()).build();
  }

  @Override
  public void close() {
    groupOffsets.close();
  }
}
