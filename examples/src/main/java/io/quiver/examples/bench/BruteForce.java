package io.quiver.examples.bench;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.MetricType;
import java.util.PriorityQueue;
import javax.annotation.Nullable;

/** The brute-force baseline and ground truth: a plain scan with MetricType's distances, ties to the lower ordinal. */
final class BruteForce implements AnnEngine {
  private AnnData data;

  static int[] topK(float[] q, int k, VectorValues base, MetricType metric, @Nullable FixedBitSet filter) {
    // worst on top: lower score, then higher ordinal
    PriorityQueue<long[]> heap = new PriorityQueue<>(k + 1, (a, b) -> {
      int c = Float.compare(Float.intBitsToFloat((int) a[0]), Float.intBitsToFloat((int) b[0]));
      return c != 0 ? c : Long.compare(b[1], a[1]);
    });
    float[] data = base.data();
    int dim = base.dimension();
    for (int i = 0; i < base.count(); i++) {
      if (filter != null && !filter.get(i)) {
        continue;
      }
      float score = metric.score(metric.distance(q, data, i * dim));
      if (heap.size() < k) {
        heap.add(new long[] {Float.floatToIntBits(score), i});
      } else {
        long[] worst = heap.peek();
        float ws = Float.intBitsToFloat((int) worst[0]);
        if (score > ws || (score == ws && i < worst[1])) {
          heap.poll();
          heap.add(new long[] {Float.floatToIntBits(score), i});
        }
      }
    }
    int[] out = new int[heap.size()];
    for (int i = out.length - 1; i >= 0; i--) {
      out[i] = (int) heap.poll()[1];
    }
    return out;
  }

  @Override
  public String name() {
    return "brute";
  }

  @Override
  public void build(AnnData data, io.quiver.engine.index.ProgressListener progress) {
    this.data = data;
  }

  @Override
  public long indexBytes() {
    return 0;
  }

  @Override
  public boolean usesWidth() {
    return false;
  }

  @Override
  public int[] search(float[] query, int k, int width, @Nullable FixedBitSet filter, int filterCount) {
    return topK(query, k, data.base, data.metric, filter);
  }
}
