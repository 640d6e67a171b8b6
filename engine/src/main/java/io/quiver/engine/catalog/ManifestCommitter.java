package io.quiver.engine.catalog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one commit path. Every writer (Flink, Spark writes, compaction, reindex, SQL deletes, tags, expiry) turns its
 * change into a {@link CommitMessage} or a metadata update and hands it here.
 *
 * <p>Optimistic concurrency: read the current manifest, apply the change to it, stage {@code v<N+1>}, swap the
 * pointer with compare-and-set. On a lost race, wait (exponential backoff with jitter) and re-apply to the new
 * current version. Outcomes:
 *
 * <ul>
 *   <li>the new manifest, or the current one unchanged when the message's WAL offsets are already covered (a
 *       replayed streaming commit is a no-op);
 *   <li>{@link CommitFailedException} when retries run out or the change conflicts for good (a segment it removes
 *       or re-indexes is gone, offsets overlap what is committed): nothing became visible;
 *   <li>{@link CommitStateUnknownException} when the swap may have happened but cannot be confirmed: the committer
 *       deletes nothing, not even its staged manifest.
 * </ul>
 *
 * Thread-safe: concurrent commits from one or many processes serialize through the pointer store.
 */
public final class ManifestCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestCommitter.class);

  private final CollectionOperations ops;
  private final int maxAttempts;
  private final long minBackoffMillis;
  private final long maxBackoffMillis;

  public ManifestCommitter(CollectionOperations ops) {
    this(ops, 12, 10, 2_000);
  }

  public ManifestCommitter(CollectionOperations ops, int maxAttempts, long minBackoffMillis, long maxBackoffMillis) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    this.ops = ops;
    this.maxAttempts = maxAttempts;
    this.minBackoffMillis = minBackoffMillis;
    this.maxBackoffMillis = maxBackoffMillis;
  }

  public CollectionOperations operations() {
    return ops;
  }

  /** Commits a writer's change. See the class comment for the outcomes. */
  public Manifest commit(CommitMessage message) {
    return commit(message.operation(), base -> ManifestChanges.apply(base, message), message.commitId());
  }

  /** Tags the current version (or moves the tag). */
  public Manifest tag(String tag, long version) {
    return commit("tag", base -> ManifestChanges.tag(base, tag, version), null);
  }

  public Manifest removeTag(String tag) {
    return commit("remove-tag", base -> ManifestChanges.removeTag(base, tag), null);
  }

  /**
   * Runs one commit with retries. {@code change} maps the current manifest to its successor's builder content, or
   * returns the base itself when there is nothing to do.
   */
  Manifest commit(String operation, UnaryOperator<Manifest> change, @Nullable String commitId) {
    for (int attempt = 1; ; attempt++) {
      PointerStore.Pointer pointer;
      Manifest base;
      try {
        pointer = ops.pointer();
      } catch (IOException e) {
        throw new CommitFailedException("Cannot read the current version of " + ops.collection(), e);
      }
      if (pointer == null) {
        throw new NoSuchCollectionException(ops.collection(), ops.collectionDir().toString());
      }
      base = ops.read(pointer.file());
      Manifest next = change.apply(base);
      if (next == base) {
        LOG.debug("{} {}: nothing to commit on top of v{}", operation, commitId, base.version());
        return base;
      }
      String attemptId = java.util.UUID.randomUUID().toString();
      PointerStore.Pointer nextPointer = new PointerStore.Pointer(base.version() + 1,
          ops.pointers().fileName(base.version() + 1, attemptId));
      Manifest finished = next.toBuilder()
          .version(base.version() + 1)
          .snapshotId(snapshotId())
          .parentSnapshotId(base.snapshotId())
          .timestampMillis(Math.max(System.currentTimeMillis(), base.timestampMillis() + 1))
          .history(history(next, base, pointer.file()))
          .summary(withCommitId(next.summary(), commitId, operation))
          .build();
      org.apache.hadoop.fs.Path staged;
      try {
        staged = ops.stage(ManifestParser.toBytes(finished));
      } catch (IOException e) {
        // Nothing is published before the swap: a failed staging is a clean, retryable failure.
        if (attempt >= maxAttempts) {
          throw new CommitFailedException("Cannot write manifest v" + finished.version() + " of "
              + ops.collection(), e);
        }
        LOG.warn("Staging manifest v{} of {} failed, retrying: {}", finished.version(), ops.collection(), e.toString());
        backoff(attempt);
        continue;
      }
      boolean swapped;
      try {
        swapped = ops.pointers().swap(pointer, nextPointer, staged);
      } catch (IOException | RuntimeException e) {
        swapped = verify(finished, e);
      }
      if (swapped) {
        LOG.info("Committed {} v{} ({}): {}", ops.collection(), finished.version(), operation, finished.summary());
        return finished;
      }
      if (attempt >= maxAttempts) {
        throw new CommitFailedException("Gave up committing " + operation + " to " + ops.collection() + " after "
            + attempt + " attempts: other commits kept winning");
      }
      backoff(attempt);
    }
  }

  /** After an error during the swap: did our version land? Throws CommitStateUnknown when it cannot tell. */
  private boolean verify(Manifest ours, Exception cause) {
    for (int i = 0; i < 3; i++) {
      try {
        PointerStore.Pointer now = ops.pointer();
        if (now == null || now.version() < ours.version()) {
          return false;
        }
        Manifest m = ops.read(now.file());
        if (m.version() == ours.version()) {
          return m.snapshotId() == ours.snapshotId();
        }
        for (Manifest.HistoryEntry h : m.history()) {
          if (h.version() == ours.version()) {
            return h.snapshotId() == ours.snapshotId();
          }
        }
        return false;
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
        sleep(50L << i);
      }
    }
    throw new CommitStateUnknownException("Cannot tell whether v" + ours.version() + " of " + ops.collection()
        + " was committed; nothing was deleted", cause);
  }

  /** The change's history (expiry trims it) plus the base version, which is about to become history. */
  private static List<Manifest.HistoryEntry> history(Manifest next, Manifest base, String baseFile) {
    List<Manifest.HistoryEntry> h = new ArrayList<>(next.history());
    h.add(new Manifest.HistoryEntry(base.version(), base.snapshotId(), base.timestampMillis(), baseFile));
    return h;
  }

  private static Map<String, String> withCommitId(Map<String, String> summary, @Nullable String id, String op) {
    Map<String, String> s = new TreeMap<>(summary);
    s.put("operation", op);
    if (id != null) {
      s.put("commit-id", id);
    }
    return s;
  }

  private static long snapshotId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    } while (id == 0);
    return id;
  }

  private void backoff(int attempt) {
    long cap = Math.min(maxBackoffMillis, minBackoffMillis * (1L << Math.min(attempt, 20)));
    sleep(ThreadLocalRandom.current().nextLong(minBackoffMillis, Math.max(minBackoffMillis + 1, cap)));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommitFailedException("Interrupted while retrying a commit", e);
    }
  }

  /** Segment ids of a manifest. */
  static Set<String> ids(List<SegmentEntry> segments) {
    Set<String> out = new HashSet<>();
    for (SegmentEntry s : segments) {
      out.add(s.id());
    }
    return out;
  }

  static Map<String, SegmentEntry> byId(List<SegmentEntry> segments) {
    Map<String, SegmentEntry> out = new HashMap<>();
    for (SegmentEntry s : segments) {
      out.put(s.id(), s);
    }
    return out;
  }
}
