package io.quiver.engine.search;

import io.quiver.engine.index.BruteForce;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.index.SearchResult;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches one segment: the accept set is the filter's matches minus hidden rows; the index (or an exact scan when
 * the segment has no index file) returns the local top-k. The index itself chooses an exact scan over the accept set
 * when that set is small (see {@code io.quiver.engine.index} package docs for the measured threshold).
 */
final class SegmentSearcher {
  private SegmentSearcher() {}

  static List<Hit> search(LoadedSegment seg, FieldSchema field, SearchRequest req) {
    RoaringBitmap accept = accept(seg, req.filter());
    int card = accept.getCardinality();
    if (card == 0) {
      return List.of();
    }
    MetricType metric = field.metric();
    int want = Math.min(card, candidates(req));
    boolean all = card == seg.data().rowCount();
    List<Hit> out = new ArrayList<>();
    while (true) {
      SearchResult r = run(seg, field, req, accept, card, all, want);
      out.clear();
      for (int i = 0; i < r.size(); i++) {
        float d = r.distance(i);
        if (req.inRange(metric, d)) {
          int ord = r.ordinal(i);
          out.add(new Hit(seg.data().pk(ord), d, metric.score(d), seg.id(), ord, Map.of()));
        }
      }
      // A range filter that drops the closest hits may need a deeper search to fill the page.
      boolean mayNeedMore = req.rangeFilter() != null && out.size() < req.perSegmentK() && want < card
          && want < VectorIndex.MAX_K && r.size() == want;
      if (!mayNeedMore) {
        return out;
      }
      want = Math.min(Math.min(card, VectorIndex.MAX_K), want * 4);
    }
  }

  /** Per-segment candidates: the page, widened for grouping (each group wants group_size hits). */
  private static int candidates(SearchRequest req) {
    int k = req.perSegmentK();
    if (req.groupBy() != null) {
      k = (int) Math.min(VectorIndex.MAX_K, (long) k * req.groupSize() * 4L);
    }
    return k;
  }

  private static SearchResult run(LoadedSegment seg, FieldSchema field, SearchRequest req, RoaringBitmap accept,
      int card, boolean all, int k) {
    VectorIndex index = seg.index(field.name());
    if (index == null) {
      return BruteForce.search(seg.vectors(field), field.metric(), req.query(), k,
          all ? null : LoadedSegment.bits(accept));
    }
    SearchOptions opts = req.options().toBuilder().acceptCount(card).build();
    return index.search(req.query(), k, opts, all ? null : LoadedSegment.bits(accept));
  }

  /** Live rows that match the filter. */
  static RoaringBitmap accept(LoadedSegment seg, @Nullable SegmentFilter filter) {
    if (filter == null) {
      return seg.live();
    }
    RoaringBitmap m = filter.matches(seg.data());
    return RoaringBitmap.and(m, seg.live());
  }
}
