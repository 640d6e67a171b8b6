package io.quiver.engine.index;

import io.github.jbellis.jvector.util.Bits;
import io.quiver.engine.schema.MetricType;
import javax.annotation.Nullable;

/**
 * Brute force: the exact top-k over every accepted ordinal. FLAT's search, and the graph kinds' answer to a filter
 * that accepts too few ordinals for a graph walk to pay. Ties go to the lower ordinal (as in the shared ground truth).
 */
final class ExactSearch {
  /** The user-facing distance between the query and one row. */
  @FunctionalInterface
  interface RowDistance {
    float distance(float[] query, int ordinal);
  }

  private ExactSearch() {
  }

  static RowDistance over(VectorValues vectors, MetricType metric) {
    float[] data = vectors.data();
    int dim = vectors.dimension();
    return (q, ord) -> metric.distance(q, data, ord * dim);
  }

  static SearchResult search(float[] query, int k, int count, MetricType metric, RowDistance rows,
      @Nullable Bits accept) {
    TopK top = new TopK(k);
    for (int ord = 0; ord < count; ord++) {
      if (accept == null || accept.get(ord)) {
        top.offer(ord, metric.score(rows.distance(query, ord)));
      }
    }
    return top.result(metric, count, true);
  }

  /** A bounded min-heap on (score, -ordinal): its root is the worst hit kept. */
  static final class TopK {
    private final int k;
    private final int[] ords;
    private final float[] scores;
    private int size;

    TopK(int k) {
      this.k = k;
      this.ords = new int[k];
      this.scores = new float[k];
    }

    /** True when {@code a} ranks below {@code b}. */
    private static boolean worse(float sa, int oa, float sb, int ob) {
      return sa < sb || (sa == sb && oa > ob);
    }

    void offer(int ord, float score) {
      if (size < k) {
        int i = size++;
        ords[i] = ord;
        scores[i] = score;
        while (i > 0) {
          int p = (i - 1) >>> 1;
          if (!worse(scores[i], ords[i], scores[p], ords[p])) {
            break;
          }
          swap(i, p);
          i = p;
        }
      } else if (worse(scores[0], ords[0], score, ord)) {
        ords[0] = ord;
        scores[0] = score;
        siftDown(0, size);
      }
    }

    private void siftDown(int i, int n) {
      while (true) {
        int l = 2 * i + 1;
        if (l >= n) {
          return;
        }
        int r = l + 1;
        int m = r < n && worse(scores[r], ords[r], scores[l], ords[l]) ? r : l;
        if (!worse(scores[m], ords[m], scores[i], ords[i])) {
          return;
        }
        swap(i, m);
        i = m;
      }
    }

    private void swap(int a, int b) {
      int o = ords[a];
      ords[a] = ords[b];
      ords[b] = o;
      float s = scores[a];
      scores[a] = scores[b];
      scores[b] = s;
    }

    int size() {
      return size;
    }

    /** Empties the heap into a best-first result. */
    SearchResult result(MetricType metric, int visited, boolean exact) {
      int n = size;
      int[] o = new int[n];
      float[] d = new float[n];
      for (int i = n - 1; i >= 0; i--) {
        o[i] = ords[0];
        d[i] = metric.distanceOf(scores[0]);
        size--;
        ords[0] = ords[size];
        scores[0] = scores[size];
        siftDown(0, size);
      }
      return new SearchResult(o, d, visited, exact);
    }
  }
}
