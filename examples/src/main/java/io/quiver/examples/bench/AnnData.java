package io.quiver.examples.bench;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.index.VectorFiles;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.annotation.Nullable;

/** Base vectors, queries, the optional filter and the exact answers every engine is scored against. */
final class AnnData {
  final String name;
  final VectorValues base;
  final VectorValues queries;
  final MetricType metric;
  final int k;
  @Nullable final FixedBitSet filter;
  final int filterCount;
  final int[][] truth;
  final String truthSource;

  private AnnData(String name, VectorValues base, VectorValues queries, MetricType metric, int k,
      @Nullable FixedBitSet filter, int filterCount, int[][] truth, String truthSource) {
    this.name = name;
    this.base = base;
    this.queries = queries;
    this.metric = metric;
    this.k = k;
    this.filter = filter;
    this.filterCount = filterCount;
    this.truth = truth;
    this.truthSource = truthSource;
  }

  static AnnData load(Path basePath, Path queryPath, @Nullable Path truthPath, MetricType metric, int k,
      double selectivity, long seed) throws IOException {
    VectorValues base = VectorFiles.readFvecs(basePath);
    VectorValues queries = VectorFiles.readFvecs(queryPath);
    if (queries.dimension() != base.dimension()) {
      throw new IllegalArgumentException("queries have dimension " + queries.dimension() + ", base "
          + base.dimension());
    }
    int[][] givenTruth = truthPath == null ? null : VectorFiles.readIvecs(truthPath);
    String name = basePath.toAbsolutePath().getParent().getFileName() + "/" + basePath.getFileName();
    return finish(name, base, queries, metric, k, selectivity, seed, givenTruth);
  }

  /** {@code spec} = rows,dim,clusters,seed; queries come from the same mixture with another sample seed. */
  static AnnData generate(String spec, int queryCount, MetricType metric, int k, double selectivity)
      throws IOException {
    String[] p = spec.split(",");
    if (p.length != 4) {
      throw new IllegalArgumentException("--generate takes rows,dim,clusters,seed, got " + spec);
    }
    int rows = Integer.parseInt(p[0].trim());
    int dim = Integer.parseInt(p[1].trim());
    int clusters = Integer.parseInt(p[2].trim());
    long seed = Long.parseLong(p[3].trim());
    VectorValues base = VectorFiles.gaussianMixture(rows, dim, clusters, seed, seed + 1);
    VectorValues queries = VectorFiles.gaussianMixture(queryCount, dim, clusters, seed, seed + 2);
    return finish("generated " + spec, base, queries, metric, k, selectivity, seed, null);
  }

  private static AnnData finish(String name, VectorValues base, VectorValues queries, MetricType metric, int k,
      double selectivity, long seed, @Nullable int[][] givenTruth) {
    FixedBitSet filter = null;
    int filterCount = base.count();
    if (selectivity < 1.0) {
      filter = new FixedBitSet(base.count());
      Random r = new Random(seed ^ 0x5DEECE66DL);
      filterCount = 0;
      for (int i = 0; i < base.count(); i++) {
        if (r.nextDouble() < selectivity) {
          filter.set(i);
          filterCount++;
        }
      }
    }
    // A given ground truth file is trusted only for the plain L2 search it was made for... and only if it has >= k.
    boolean useGiven = givenTruth != null && filter == null && givenTruth.length == queries.count()
        && givenTruth[0].length >= k;
    int[][] truth = useGiven ? givenTruth : bruteForce(base, queries, metric, k, filter);
    String source = useGiven ? "file" : "brute force";
    return new AnnData(name, base, queries, metric, k, filter, filterCount, truth, source);
  }

  /** Exact top-k of every query, in parallel over queries. */
  static int[][] bruteForce(VectorValues base, VectorValues queries, MetricType metric, int k,
      @Nullable FixedBitSet filter) {
    int[][] out = new int[queries.count()][];
    AtomicInteger done = new AtomicInteger();
    ProgressBar bar = new ProgressBar("ground truth");
    IntStream.range(0, queries.count()).parallel().forEach(q -> {
      out[q] = BruteForce.topK(queries.vector(q), k, base, metric, filter);
      bar.progress("truth", done.incrementAndGet(), queries.count());
    });
    bar.done();
    return out;
  }

  /** The first {@code rows} base vectors and nothing else: for warming the JIT up with a throwaway build. */
  AnnData head(int rows) {
    int n = Math.min(rows, base.count());
    VectorValues b = VectorValues.of(java.util.Arrays.copyOf(base.data(), n * base.dimension()), base.dimension());
    return new AnnData(name + " (head)", b, queries, metric, k, null, n, new int[0][], "none");
  }

  double recall(int q, int[] found) {
    int[] t = truth[q];
    int expected = Math.min(k, t.length);
    if (expected == 0) {
      return 1.0;
    }
    int hit = 0;
    for (int f : found) {
      for (int i = 0; i < expected; i++) {
        if (t[i] == f) {
          hit++;
          break;
        }
      }
    }
    return (double) hit / expected;
  }
}
