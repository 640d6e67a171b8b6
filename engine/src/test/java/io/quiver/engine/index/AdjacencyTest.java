package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

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
}
