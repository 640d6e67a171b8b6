package io.quiver.engine.search;

import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentStats;
import javax.annotation.Nullable;
import org.roaringbitmap.RoaringBitmap;

/**
 * A scalar filter as the search layer sees it: the rows of a segment that match, and whether a segment can match at
 * all given its stats. The filter language ({@code io.quiver.engine.filter}) provides one; tests may use their own.
 */
public interface SegmentFilter {
  /** Row ordinals of {@code segment} that match. */
  RoaringBitmap matches(SegmentData segment);

  /** False only when the segment's stats prove that no row matches (the segment is then skipped). */
  default boolean mightMatch(SegmentStats stats) {
    return true;
  }

  /** The filter as text, for logs and explain output. */
  String describe();

  /** No filter. */
  @Nullable
  SegmentFilter NONE = null;
}
