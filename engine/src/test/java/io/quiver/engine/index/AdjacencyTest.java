package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.jbellis.jvector.graph.SearchResult;
import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heap copy of a GRAPH_PQ graph's base layer holds exactly the neighbour lists the file holds. */
class AdjacencyTest {
  @TempDir Path dir;

  @Test
  void heapNeighbourListsEqualTheFilesForEveryNode() throws Exception {
    int n = 1_500;
    int dim = 16;
    float[] data = new float[n * dim];
    Random r = new Random(3);
    for (int i = 0; i < data.length; i++) {
      data[i] = r.nextFloat();
    }
    try (VectorIndex index = Datasets.buildAndOpen("GRAPH_PQ", Map.of(), VectorValues.of(data, dim), MetricType.L2,
        dir)) {
      GraphPqIndex g = (GraphPqIndex) index;
      long edges = 0;
      for (int node = 0; node < n; node++) {
        int[] file = g.neighbors(node, true);
        assertThat(g.neighbors(node, false)).as("neighbours of node %d", node).containsExactly(file);
        edges += file.length;
      }
      assertThat(edges).as("edges of a 1,500-node graph").isGreaterThan(n);
    }
  }

  @Test
  void theWalkThatLoadsCodesFirstFindsWhatJvectorsOwnExpansionFinds() throws Exception {
    int n = 3_000;
    int dim = 24;
    Random r = new Random(11);
    float[] data = new float[n * dim];
    for (int i = 0; i < data.length; i++) {
      data[i] = r.nextFloat();
    }
    try (VectorIndex index = Datasets.buildAndOpen("GRAPH_PQ", Map.of(), VectorValues.of(data, dim), MetricType.L2,
        dir)) {
      GraphPqIndex g = (GraphPqIndex) index;
      for (int q = 0; q < 50; q++) {
        float[] query = new float[dim];
        for (int i = 0; i < dim; i++) {
          query[i] = r.nextFloat();
        }
        SearchResult.NodeScore[] ours = g.walk(query, 40, false).getNodes();
        SearchResult.NodeScore[] jvectors = g.walk(query, 40, true).getNodes();
        assertThat(ours).as("candidates of query %d", q).hasSize(40).hasSameSizeAs(jvectors);
        for (int i = 0; i < ours.length; i++) {
          assertThat(ours[i].node).as("query %d, candidate %d", q, i).isEqualTo(jvectors[i].node);
          assertThat(ours[i].score).as("query %d, candidate %d", q, i).isEqualTo(jvectors[i].score);
        }
      }
    }
  }
}
