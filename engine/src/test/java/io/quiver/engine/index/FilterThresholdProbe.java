package io.quiver.engine.index;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.schema.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: measures where an exact scan over the accept set beats jvector's filtered graph walk, the numbers behind
 * {@code GraphSupport.EXACT_FILTER_*}. Run: {@code java -cp <engine test classpath> io.quiver.engine.index.FilterThresholdProbe
 * [sift5k|mnist10k|gen:rows,dim]}.
 */
public final class FilterThresholdProbe {
  public static void main(String[] args) throws Exception {
    String set = args.length > 0 ? args[0] : "sift5k";
    VectorValues base;
    VectorValues queries;
    if (set.startsWith("gen:")) {
      String[] p = set.substring(4).split(",");
      int rows = Integer.parseInt(p[0]);
      int dim = Integer.parseInt(p[1]);
      base = VectorFiles.gaussianMixture(rows, dim, 64, 42, 1);
      queries = VectorFiles.gaussianMixture(100, dim, 64, 42, 2);
    } else {
      base = Datasets.base(set);
      queries = VectorFiles.readFvecs(Datasets.root().resolve(set).resolve("query.fvecs"), 100);
    }
    Path dir = Files.createTempDirectory("probe");
    VectorIndex index = Datasets.buildAndOpen("GRAPH", Map.of(), base, MetricType.L2, dir);
    int n = base.count();
    System.out.printf("%s n=%d dim=%d%n", set, n, base.dimension());
    long visited = 0;
    for (int q = 0; q < queries.count(); q++) {
      visited += index.search(queries.vector(q), 10, SearchOptions.width(100), null).visited();
    }
    System.out.printf("unfiltered width 100: %.0f vectors scored per query, %.1f us%n",
        (double) visited / queries.count(), time(index, queries, SearchOptions.width(100), null));
    System.out.println("selectivity accepted graph_us exact_us graph_recall graph_visited");
    for (double s : new double[] {0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001}) {
      FixedBitSet bits = new FixedBitSet(n);
      Random r = new Random(7);
      int accepted = 0;
      for (int i = 0; i < n; i++) {
        if (r.nextDouble() < s) {
          bits.set(i);
          accepted++;
        }
      }
      SearchOptions graph = SearchOptions.builder().width(100).filterStrategy(SearchOptions.FilterStrategy.GRAPH).build();
      SearchOptions exact = SearchOptions.builder().width(100).filterStrategy(SearchOptions.FilterStrategy.EXACT).build();
      int[][] truth = Datasets.exactTruth(base, queries, MetricType.L2, 10, bits);
      double recall = Datasets.recall(index, queries, truth, 10, graph, bits);
      double g = time(index, queries, graph, bits);
      double e = time(index, queries, exact, bits);
      long v = 0;
      for (int q = 0; q < queries.count(); q++) {
        v += index.search(queries.vector(q), 10, graph, bits).visited();
      }
      System.out.printf("%.3f %d %.1f %.1f %.4f %d%n", s, accepted, g, e, recall, v / queries.count());
    }
    index.close();
  }

  /** Mean microseconds per query, after a warm-up pass. */
  private static double time(VectorIndex index, VectorValues queries, SearchOptions opts, FixedBitSet bits) {
    for (int q = 0; q < queries.count(); q++) {
      index.search(queries.vector(q), 10, opts, bits);
    }
    long t0 = System.nanoTime();
    int rounds = 0;
    do {
      for (int q = 0; q < queries.count(); q++) {
        index.search(queries.vector(q), 10, opts, bits);
      }
      rounds++;
    } while (System.nanoTime() - t0 < 1_000_000_000L);
    return (System.nanoTime() - t0) / 1e3 / (rounds * queries.count());
  }
}
