package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad parameters, kinds and queries are refused at the edge with messages that name them. */
class IndexValidationTest {
  @TempDir static Path dir;
  static VectorValues base;
  static VectorIndex graph;

  @BeforeAll
  static void build() throws Exception {
    base = VectorFiles.gaussianMixture(300, 8, 3, 1);
    graph = Datasets.buildAndOpen("GRAPH", Map.of(), base, MetricType.L2, dir);
  }

  @AfterAll
  static void close() throws Exception {
    graph.close();
  }

  @Test
  void registryFindsEveryKindAndNamesThemOnAMiss() {
    assertThat(VectorIndexes.all()).containsOnlyKeys("FLAT", "GRAPH", "GRAPH_PQ");
    assertThat(VectorIndexes.factory(" graph_pq ").kind()).isEqualTo("GRAPH_PQ");
    assertThatThrownBy(() -> VectorIndexes.factory("HNSW"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("HNSW")
        .hasMessageContaining("FLAT, GRAPH, GRAPH_PQ");
  }

  @Test
  void defaultsListEveryKnownParameter() {
    assertThat(VectorIndexes.factory("GRAPH").defaultParams()).containsOnlyKeys("max_degree", "beam_width", "alpha",
        "neighbor_overflow", "hierarchy", "build_threads");
    assertThat(VectorIndexes.factory("GRAPH_PQ").defaultParams()).containsKeys("pq_subspaces", "rerank_factor",
        "max_degree");
    assertThat(VectorIndexes.factory("GRAPH").validate(Map.of("MAX_DEGREE", "48")).getInt("max_degree"))
        .isEqualTo(48);
  }

  @Test
  void unknownParameterIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH").validate(Map.of("efConstruction", "200")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("efConstruction")
        .hasMessageContaining("200")
        .hasMessageContaining("max_degree, beam_width, alpha, neighbor_overflow, hierarchy, build_threads");
    assertThatThrownBy(() -> VectorIndexes.factory("FLAT").validate(Map.of("nlist", "8")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("nlist");
  }

  @Test
  void badValuesAreRefusedNamingParameterAndValue() {
    var f = VectorIndexes.factory("GRAPH_PQ");
    assertThatThrownBy(() -> f.validate(Map.of("max_degree", "lots"))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("max_degree").hasMessageContaining("lots");
    assertThatThrownBy(() -> f.validate(Map.of("alpha", "-1"))).hasMessageContaining("alpha")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> f.validate(Map.of("hierarchy", "maybe"))).hasMessageContaining("true or false");
    assertThatThrownBy(() -> f.validate(Map.of("rerank_factor", "NaN"))).hasMessageContaining("rerank_factor");
    assertThatThrownBy(() -> f.build(base, MetricType.L2, f.validate(Map.of("pq_subspaces", "9")),
        new ByteArrayOutputStream(), ProgressListener.NONE))
        .isInstanceOf(ValidationException.class).hasMessageContaining("pq_subspaces")
        .hasMessageContaining("dimension 8");
  }

  @Test
  void wrongQueryDimensionIsRefused() {
    assertThatThrownBy(() -> graph.search(new float[7], 3, SearchOptions.DEFAULTS, null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("dimension 7").hasMessageContaining("8");
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
  void nonFiniteQueryIsRefused(float bad) {
    float[] q = base.vector(0);
    q[5] = bad;
    assertThatThrownBy(() -> graph.search(q, 3, SearchOptions.DEFAULTS, null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("component 5");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, VectorIndex.MAX_K + 1})
  void kOutOfRangeIsRefused(int k) {
    assertThatThrownBy(() -> graph.search(base.vector(0), k, SearchOptions.DEFAULTS, null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("16384");
  }

  @Test
  void largestKIsAnsweredWithEveryVector() {
    assertThat(graph.search(base.vector(0), VectorIndex.MAX_K, SearchOptions.DEFAULTS, null).size())
        .isEqualTo(base.count());
  }

  @Test
  void badSearchOptionsAreRefused() {
    assertThatThrownBy(() -> SearchOptions.builder().width(-1)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> SearchOptions.builder().rerankFactor(Float.NaN)).isInstanceOf(ValidationException.class);
  }
}
