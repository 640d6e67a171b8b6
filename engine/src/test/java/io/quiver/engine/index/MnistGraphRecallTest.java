package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recall@10 of GRAPH on mnist10k (real MNIST digits, 784 dimensions, L2) against its ground truth file. One class
 * per kind so that each stays under ~30 s on two cores (the 784-d build dominates).
 */
class MnistGraphRecallTest {
  @TempDir static Path dir;
  static VectorValues queries;
  static int[][] truth;
  static VectorIndex index;

  @BeforeAll
  static void build() throws Exception {
    VectorValues base = Datasets.base("mnist10k");
    queries = Datasets.queries("mnist10k");
    truth = Datasets.truth("mnist10k");
    assertThat(base.count()).isEqualTo(9_000);
    assertThat(base.dimension()).isEqualTo(784);
    assertThat(truth).hasNumberOfRows(queries.count());
    index = Datasets.buildAndOpen("GRAPH", Map.of(), base, MetricType.L2, dir);
  }

  @AfterAll
  static void close() throws Exception {
    index.close();
  }

  @Test
  void recallAt10IsAtLeast95Percent() {
    double recall = Datasets.recall(index, queries, truth, 10, SearchOptions.width(100), null);
    System.out.printf("mnist10k GRAPH recall@10 (width 100) = %.4f%n", recall);
    assertThat(recall).as("GRAPH recall@10 on mnist10k at width 100").isGreaterThanOrEqualTo(0.95);
  }
}
