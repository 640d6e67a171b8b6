package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recall@10 on sift5k (real SIFT descriptors, L2) against its brute-force ground truth file. */
class SiftRecallTest {
  @TempDir static Path dir;
  static VectorValues base;
  static VectorValues queries;
  static int[][] truth;
  static VectorIndex graph;
  static VectorIndex graphPq;

  @BeforeAll
  static void build() throws Exception {
    base = Datasets.base("sift5k");
    queries = Datasets.queries("sift5k");
    truth = Datasets.truth("sift5k");
    long t0 = System.nanoTime();
    graph = Datasets.buildAndOpen("GRAPH", Map.of(), base, MetricType.L2, dir);
    long t1 = System.nanoTime();
    graphPq = Datasets.buildAndOpen("GRAPH_PQ", Map.of(), base, MetricType.L2, dir);
    long t2 = System.nanoTime();
    System.out.printf("sift5k: GRAPH built in %.1f s, GRAPH_PQ in %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
  }

  @AfterAll
  static void close() throws Exception {
    graph.close();
    graphPq.close();
  }

  @Test
  void shapeMatchesTheSharedReadme() {
    assertThat(base.count()).isEqualTo(5_000);
    assertThat(base.dimension()).isEqualTo(128);
    assertThat(queries.count()).isEqualTo(100);
    assertThat(truth).hasNumberOfRows(100);
  }

  @Test
  void graphRecallAt10IsAtLeast95Percent() {
    double recall = Datasets.recall(graph, queries, truth, 10, SearchOptions.width(100), null);
    System.out.printf("sift5k GRAPH recall@10 (width 100) = %.4f%n", recall);
    assertThat(recall).as("GRAPH recall@10 on sift5k at width 100").isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void graphPqRecallAt10IsAtLeast95Percent() {
    double recall = Datasets.recall(graphPq, queries, truth, 10, SearchOptions.width(100), null);
    System.out.printf("sift5k GRAPH_PQ recall@10 (width 100) = %.4f%n", recall);
    assertThat(recall).as("GRAPH_PQ recall@10 on sift5k at width 100").isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void concurrentSearchesAnswerLikeSequentialOnes() throws Exception {
    // Searchers are pooled, not per thread: many threads at once must neither share one nor mix up their answers.
    for (VectorIndex index : new VectorIndex[] {graph, graphPq}) {
      int[][] expected = new int[queries.count()][];
      for (int q = 0; q < queries.count(); q++) {
        expected[q] = index.search(queries.vector(q), 10, SearchOptions.width(64), null).ordinals();
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        java.util.List<java.util.concurrent.Future<int[]>> answers = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (int q = 0; q < queries.count(); q++) {
            float[] query = queries.vector(q);
            answers.add(pool.submit(() -> index.search(query, 10, SearchOptions.width(64), null).ordinals()));
          }
        }
        for (int i = 0; i < answers.size(); i++) {
          assertThat(answers.get(i).get()).as("%s query %s from a pool thread", index.kind(), i % queries.count())
              .containsExactly(expected[i % queries.count()]);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void flatRecallIsExact() throws Exception {
    try (VectorIndex flat = Datasets.buildAndOpen("FLAT", Map.of(), base, MetricType.L2, dir)) {
      assertThat(Datasets.recall(flat, queries, truth, 10, SearchOptions.DEFAULTS, null)).isEqualTo(1.0);
    }
  }
}
