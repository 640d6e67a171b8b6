package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Filtered search on sift5k: recall@10 against the exact answer over the same accept set. */
class FilteredSearchTest {
  static final int K = 10;
  @TempDir static Path dir;
  static VectorValues base;
  static VectorValues queries;
  static VectorIndex graph;
  static VectorIndex graphPq;

  @BeforeAll
  static void build() throws Exception {
    base = Datasets.base("sift5k");
    queries = Datasets.queries("sift5k");
    graph = Datasets.buildAndOpen("GRAPH", Map.of(), base, MetricType.L2, dir);
    graphPq = Datasets.buildAndOpen("GRAPH_PQ", Map.of(), base, MetricType.L2, dir);
  }

  @AfterAll
  static void close() throws Exception {
    graph.close();
    graphPq.close();
  }

  static FixedBitSet accept(double selectivity, long seed) {
    FixedBitSet bits = new FixedBitSet(base.count());
    Random r = new Random(seed);
    for (int i = 0; i < base.count(); i++) {
      if (r.nextDouble() < selectivity) {
        bits.set(i);
      }
    }
    return bits;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.1, 0.01, 0.001})
  void defaultPolicyReachesRecall95(double selectivity) {
    FixedBitSet bits = accept(selectivity, 42);
    int[][] truth = Datasets.exactTruth(base, queries, MetricType.L2, K, bits);
    for (VectorIndex index : new VectorIndex[] {graph, graphPq}) {
      double recall = Datasets.recall(index, queries, truth, K, SearchOptions.width(100), bits);
      assertThat(recall).as("%s filtered recall@10 at selectivity %s (%s accepted)", index.kind(), selectivity,
          bits.cardinality()).isGreaterThanOrEqualTo(0.95);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.1, 0.01, 0.001})
  void graphWalkAloneReachesRecall95(double selectivity) {
    // The walk, forced even where the policy would scan, must stay correct; only slower.
    FixedBitSet bits = accept(selectivity, 7);
    int[][] truth = Datasets.exactTruth(base, queries, MetricType.L2, K, bits);
    SearchOptions walk = SearchOptions.builder().width(100).filterStrategy(SearchOptions.FilterStrategy.GRAPH).build();
    for (VectorIndex index : new VectorIndex[] {graph, graphPq}) {
      double recall = Datasets.recall(index, queries, truth, K, walk, bits);
      assertThat(recall).as("%s graph-walk recall@10 at selectivity %s", index.kind(), selectivity)
          .isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void onlyAcceptedOrdinalsComeBack() {
    FixedBitSet bits = accept(0.1, 3);
    SearchOptions walk = SearchOptions.builder().filterStrategy(SearchOptions.FilterStrategy.GRAPH).build();
    for (int q = 0; q < queries.count(); q++) {
      for (int ord : graph.search(queries.vector(q), K, walk, bits).ordinals()) {
        assertThat(bits.get(ord)).as("ordinal %s is accepted", ord).isTrue();
      }
    }
  }

  @Test
  void fewerThanKAcceptedReturnsAllOfThem() {
    FixedBitSet bits = new FixedBitSet(base.count());
    bits.set(17);
    bits.set(4_000);
    bits.set(123);
    SearchResult r = graph.search(queries.vector(0), K, SearchOptions.DEFAULTS, bits);
    assertThat(r.ordinals()).containsExactlyInAnyOrder(17, 123, 4_000);
    assertThat(r.exact()).as("three accepted ordinals are scanned, not walked").isTrue();
    assertThat(graph.search(queries.vector(0), K, SearchOptions.DEFAULTS, new FixedBitSet(base.count())).size())
        .isZero();
  }
}
