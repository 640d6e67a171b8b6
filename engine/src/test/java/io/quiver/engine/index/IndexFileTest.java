package io.quiver.engine.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The file format: round trip, header contents, and damaged files refused with the file named. */
class IndexFileTest {
  @TempDir static Path dir;
  static VectorValues base;
  static byte[] graphBytes;
  static byte[] graphPqBytes;

  @BeforeAll
  static void build() throws IOException {
    base = VectorFiles.gaussianMixture(800, 16, 4, 5);
    graphBytes = Datasets.buildBytes("GRAPH", Map.of("max_degree", "16", "build_threads", "2"), base, MetricType.IP);
    graphPqBytes = Datasets.buildBytes("GRAPH_PQ", Map.of(), base, MetricType.IP);
  }

  static Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void roundTripKeepsHeaderAndAnswers() throws IOException {
    Path file = write("rt.graph.qvi", graphBytes);
    IndexHeader h = IndexFiles.verifyChecksum(file);
    assertThat(h.formatVersion()).isEqualTo(IndexHeader.FORMAT_VERSION);
    assertThat(h.kind()).isEqualTo("GRAPH");
    assertThat(h.metric()).isEqualTo(MetricType.IP);
    assertThat(h.dimension()).isEqualTo(16);
    assertThat(h.count()).isEqualTo(800);
    assertThat(h.params()).containsEntry("max_degree", "16").containsEntry("hierarchy", "true")
        .doesNotContainKey("build_threads");
    assertThat(h.sections()).containsOnlyKeys("graph");
    assertThat(h.headerLength() % 64).as("payload aligned").isZero();
    assertThat(h.fileLength()).isEqualTo(graphBytes.length);

    float[] q = base.vector(3);
    try (VectorIndex a = VectorIndexes.factory("GRAPH").open(base, MetricType.IP, file);
        VectorIndex b = VectorIndexes.factory("GRAPH").open(base, MetricType.IP, write("rt2.qvi", graphBytes))) {
      SearchResult ra = a.search(q, 5, SearchOptions.DEFAULTS, null);
      assertThat(ra.size()).isEqualTo(5);
      assertThat(b.search(q, 5, SearchOptions.DEFAULTS, null).ordinals()).containsExactly(ra.ordinals());
      assertThat(a.ramBytesUsed()).isPositive();
    }
  }

  @Test
  void buildReportsProgressUpToTheEnd() throws IOException {
    java.util.Map<String, Long> last = new java.util.concurrent.ConcurrentHashMap<>();
    var f = VectorIndexes.factory("GRAPH_PQ");
    f.build(base, MetricType.L2, f.validate(Map.of("build_threads", "1")), new java.io.ByteArrayOutputStream(),
        (phase, done, total) -> last.merge(phase, done == total ? 1L : 0L, Math::max));
    assertThat(last).containsEntry("pq", 1L).containsEntry("graph", 1L).containsEntry("write", 1L);
  }

  /**
   * Files written by format version 1 (jvector 4.0.2 payloads), kept in test resources: later builds must keep
   * reading them. The vectors come from the seeded generator, as when the fixtures were made with
   * {@link #writeFixtures}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"FLAT", "GRAPH", "GRAPH_PQ"})
  void version1FixturesStillOpenAndAnswer(String kind) throws Exception {
    VectorValues v = fixtureVectors();
    Path file = dir.resolve("fixture-" + kind + ".qvi");
    try (var in = IndexFileTest.class.getResourceAsStream("/index-fixtures/v1/" + IndexFiles.fileName("v", kind))) {
      assertThat(in).as("fixture for %s", kind).isNotNull();
      Files.copy(in, file);
    }
    int[][] truth = Datasets.exactTruth(v, v, MetricType.COSINE, 5, null);
    try (VectorIndex index = VectorIndexes.factory(kind).open(v, MetricType.COSINE, file)) {
      for (int q = 0; q < v.count(); q += 17) {
        assertThat(index.search(v.vector(q), 5, SearchOptions.width(v.count()), null).ordinals())
            .as("%s fixture, query %s", kind, q).containsExactly(truth[q]);
      }
    }
  }

  static VectorValues fixtureVectors() {
    return VectorFiles.gaussianMixture(300, 8, 4, 2024, 7);
  }

  /** Regenerates the fixtures: {@code main <engine/src/test/resources/index-fixtures/v1>}; only for a new version. */
  public static void main(String[] args) throws IOException {
    Path out = Files.createDirectories(Path.of(args[0]));
    for (String kind : new String[] {"FLAT", "GRAPH", "GRAPH_PQ"}) {
      Files.write(out.resolve(IndexFiles.fileName("v", kind)), Datasets.buildBytes(kind,
          kind.equals("FLAT") ? Map.of() : Map.of("max_degree", "8"), fixtureVectors(), MetricType.COSINE));
    }
  }

  @Test
  void graphPqHasGraphAndPqSections() throws IOException {
    IndexHeader h = IndexFiles.verifyChecksum(write("pq.qvi", graphPqBytes));
    assertThat(h.sections()).containsOnlyKeys("graph", "pq");
    assertThat(h.params()).containsEntry("pq_subspaces", "4").containsEntry("rerank_factor", "4.0");
  }

  @Test
  void flatFileHoldsOnlyTheHeader() throws IOException {
    byte[] flat = Datasets.buildBytes("FLAT", Map.of(), base, MetricType.L2);
    IndexHeader h = IndexFiles.verifyChecksum(write("flat.qvi", flat));
    assertThat(h.payloadLength()).isZero();
    assertThat(flat.length).isEqualTo(h.headerLength() + Integer.BYTES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLAT", "GRAPH", "GRAPH_PQ"})
  void emptyIndexesBuildOpenAndAnswerNothing(String kind) throws IOException {
    VectorValues none = VectorValues.of(new float[0], 8);
    try (VectorIndex index = Datasets.buildAndOpen(kind, Map.of(), none, MetricType.L2,
        Files.createDirectories(dir.resolve("empty-" + kind)))) {
      assertThat(index.search(new float[8], 3, SearchOptions.DEFAULTS, null).size()).isZero();
    }
  }

  @Test
  void flippedPayloadByteIsRefused() throws IOException {
    byte[] bad = graphBytes.clone();
    bad[bad.length / 2] ^= 0x10;
    Path file = write("flipped.qvi", bad);
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH").open(base, MetricType.IP, file))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void flippedHeaderByteIsRefused() throws IOException {
    byte[] bad = graphBytes.clone();
    bad[20] ^= 0x01; // inside the kind / metric fields
    Path file = write("flipped-header.qvi", bad);
    assertThatThrownBy(() -> IndexFiles.verifyChecksum(file)).isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void flippedChecksumByteIsRefused() throws IOException {
    byte[] bad = graphBytes.clone();
    bad[bad.length - 1] ^= 0x01;
    Path file = write("flipped-crc.qvi", bad);
    assertThatThrownBy(() -> IndexFiles.verifyChecksum(file)).isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void badMagicIsRefused() throws IOException {
    byte[] bad = graphBytes.clone();
    bad[0] = 'X';
    Path file = write("magic.qvi", bad);
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH").open(base, MetricType.IP, file))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("bad magic");
  }

  @Test
  void unknownFormatVersionIsRefused() throws IOException {
    byte[] bad = graphBytes.clone();
    ByteBuffer.wrap(bad).putInt(4, 99);
    Path file = write("version.qvi", bad);
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH").open(base, MetricType.IP, file))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown index format version 99");
  }

  @Test
  void truncatedAndForeignFilesAreRefused() throws IOException {
    Path cut = write("cut.qvi", Arrays.copyOf(graphBytes, graphBytes.length - 100));
    assertThatThrownBy(() -> IndexFiles.verifyChecksum(cut)).isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("truncated");
    Path tiny = write("tiny.qvi", new byte[] {1, 2});
    assertThatThrownBy(() -> IndexFiles.verifyChecksum(tiny)).isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("too short");
  }

  @Test
  void openingWithTheWrongMetricOrKindOrVectorsIsRefused() throws IOException {
    Path file = write("mismatch.qvi", graphBytes);
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH").open(base, MetricType.L2, file))
        .hasMessageContaining("built for metric IP");
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH_PQ").open(base, MetricType.IP, file))
        .hasMessageContaining("holds a GRAPH index");
    VectorValues fewer = VectorValues.of(Arrays.copyOf(base.data(), 16 * 10), 16);
    assertThatThrownBy(() -> VectorIndexes.factory("GRAPH").open(fewer, MetricType.IP, file))
        .hasMessageContaining("covers 800 vectors but 10 were given");
  }

  @Test
  void fileNamesNameFieldAndKind() {
    assertThat(IndexFiles.fileName("embedding", "graph_pq")).isEqualTo("embedding.graph_pq.qvi");
    assertThat(IndexFiles.fileName("v", "FLAT")).isEqualTo("v.flat.qvi");
    assertThatThrownBy(() -> IndexFiles.fileName("../x", "FLAT")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> IndexFiles.fileName("v", "IVF")).isInstanceOf(ValidationException.class);
  }
}
