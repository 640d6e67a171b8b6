package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kind under every metric returns brute force's top-k (with a beam as wide as the data) and exact distances. */
class MetricsTest {
  static final int K = 10;
  @TempDir static Path dir;
  static VectorValues base;
  static VectorValues queries;

  @BeforeAll
  static void data() {
    base = VectorFiles.gaussianMixture(1_000, 24, 8, 11, 1);
    queries = VectorFiles.gaussianMixture(25, 24, 8, 11, 2);
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void everyKindMatchesBruteForce(MetricType metric) throws Exception {
    int[][] truth = Datasets.exactTruth(base, queries, metric, K, null);
    SearchOptions wide = SearchOptions.width(base.count());
    for (String kind : new String[] {"FLAT", "GRAPH", "GRAPH_PQ"}) {
      try (VectorIndex index = Datasets.buildAndOpen(kind, Map.of(), base, metric, dir.resolve(metric.name()))) {
        for (int q = 0; q < queries.count(); q++) {
          float[] query = queries.vector(q);
          SearchResult r = index.search(query, K, wide, null);
          assertThat(r.ordinals()).as("%s %s query %s top-%s", kind, metric, q, K).containsExactly(truth[q]);
          for (int i = 0; i < r.size(); i++) {
            assertThat(r.distance(i)).as("%s %s exact distance", kind, metric)
                .isEqualTo(metric.distance(query, base.data(), r.ordinal(i) * base.dimension()));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void graphPqSearchesWithoutResidentVectors(MetricType metric) throws Exception {
    Path d = dir.resolve("pq-" + metric.name());
    java.nio.file.Files.createDirectories(d);
    VectorIndexFactory f = VectorIndexes.factory("GRAPH_PQ");
    Path file = d.resolve(IndexFiles.fileName("v", "GRAPH_PQ"));
    try (var out = java.nio.file.Files.newOutputStream(file)) {
      f.build(base, metric, f.validate(Map.of()), out, ProgressListener.NONE);
    }
    int[][] truth = Datasets.exactTruth(base, queries, metric, K, null);
    try (VectorIndex index = f.open(null, metric, file)) {
      for (int q = 0; q < queries.count(); q++) {
        float[] query = queries.vector(q);
        SearchResult r = index.search(query, K, SearchOptions.width(base.count()), null);
        assertThat(r.ordinals()).as("GRAPH_PQ without vectors, %s query %s", metric, q).containsExactly(truth[q]);
        for (int i = 0; i < r.size(); i++) {
          float expected = metric.distance(query, base.data(), r.ordinal(i) * base.dimension());
          // COSINE reads unit vectors back from the file: equal up to float rounding
          assertThat(r.distance(i)).isCloseTo(expected, within(1e-4f * Math.max(1f, Math.abs(expected))));
        }
      }
    }
  }
}
