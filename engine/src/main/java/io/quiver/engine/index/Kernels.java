package io.quiver.engine.index;

/**
 * Scalar distance loops over a row of a contiguous array, for JDKs where jvector has no SIMD. Eight independent
 * accumulators let the CPU overlap the additions (a single running sum serializes them); the summation order differs
 * from {@link io.quiver.engine.schema.MetricType#distance}, so these only rank, never report distances.
 */
final class Kernels {
  private Kernels() {
  }

  static float squareDistance(float[] q, float[] d, int off, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = 0;
    for (; i + 8 <= dim; i += 8) {
      int j = off + i;
      float d0 = q[i] - d[j];
      float d1 = q[i + 1] - d[j + 1];
      float d2 = q[i + 2] - d[j + 2];
      float d3 = q[i + 3] - d[j + 3];
      float d4 = q[i + 4] - d[j + 4];
      float d5 = q[i + 5] - d[j + 5];
      float d6 = q[i + 6] - d[j + 6];
      float d7 = q[i + 7] - d[j + 7];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
      s4 += d4 * d4;
      s5 += d5 * d5;
      s6 += d6 * d6;
      s7 += d7 * d7;
    }
    float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    for (; i < dim; i++) {
      float x = q[i] - d[off + i];
      s += x * x;
    }
    return s;
  }

  static float dotProduct(float[] q, float[] d, int off, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = 0;
    for (; i + 8 <= dim; i += 8) {
      int j = off + i;
      s0 += q[i] * d[j];
      s1 += q[i + 1] * d[j + 1];
      s2 += q[i + 2] * d[j + 2];
      s3 += q[i + 3] * d[j + 3];
      s4 += q[i + 4] * d[j + 4];
      s5 += q[i + 5] * d[j + 5];
      s6 += q[i + 6] * d[j + 6];
      s7 += q[i + 7] * d[j + 7];
    }
    float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    for (; i < dim; i++) {
      s += q[i] * d[off + i];
    }
    return s;
  }
}
