package io.quiver.flink;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named points in the ingestion job where tests inject one failure each (fault injection at the seams). Unarmed, a
 * check costs one volatile read. The plan is static: it works on a MiniCluster, whose tasks share the test's JVM,
 * and it survives the job's restarts, so each armed point throws exactly once.
 */
public final class FailurePoints {
  /** In the segment builder, for every WAL record: mid-stream. */
  public static final String RECORD = "builder.record";
  /** While sealing, before any file is written. */
  public static final String SEAL_BEFORE_FILES = "seal.before-files";
  /** While sealing, after the files are written and before the sealed piece is sent on (orphans the files). */
  public static final String SEAL_AFTER_FILES = "seal.after-files";
  /** In the sink writer when a checkpoint's committable is prepared. */
  public static final String PREPARE_COMMIT = "sink.prepare-commit";
  /** In the committer: the checkpoint completed, the manifest is not committed yet. */
  public static final String BEFORE_MANIFEST_COMMIT = "commit.before-manifest";
  /** In the committer: the manifest is committed, Flink does not know it yet. */
  public static final String AFTER_MANIFEST_COMMIT = "commit.after-manifest";

  private static final Map<String, AtomicLong> ARMED = new ConcurrentHashMap<>();
  private static final Set<String> FIRED = ConcurrentHashMap.newKeySet();
  private static volatile boolean any;

  private FailurePoints() {}

  /** Arms {@code point} to throw once, on its {@code hit}-th pass (1 = the next one). */
  public static void arm(String point, long hit) {
    if (hit < 1) {
      throw new IllegalArgumentException("Failure point " + point + ": hit must be at least 1, got " + hit);
    }
    ARMED.put(point, new AtomicLong(hit));
    any = true;
  }

  /** Disarms every point and forgets what fired. */
  public static void reset() {
    ARMED.clear();
    FIRED.clear();
    any = false;
  }

  /** The points that have thrown. */
  public static Set<String> fired() {
    return Collections.unmodifiableSet(FIRED);
  }

  /** Throws an {@link InjectedFailure} if {@code point} is armed and this is its chosen pass. */
  public static void check(String point) {
    if (!any) {
      return;
    }
    AtomicLong left = ARMED.get(point);
    if (left != null && left.decrementAndGet() == 0) {
      FIRED.add(point);
      throw new InjectedFailure(point);
    }
  }

  /** The failure a test injected. */
  public static final class InjectedFailure extends RuntimeException {
    InjectedFailure(String point) {
      super("Injected failure at " + point);
    }
  }
}
