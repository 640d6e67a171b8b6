package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.index.SearchResult;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.index.VectorIndexes;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecIndexerTest {
  @TempDir Path tmp;

  @Test
  void buildsTheCollectionsGraphBesideTheSealedSegmentAndSkipsFlat() throws Exception {
    CollectionSchema schema = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("a", 16, MetricType.L2).vector("b", 4, MetricType.IP).build();
    Catalog catalog = Catalog.open(tmp.toUri().toString(), new Configuration());
    String id = SegmentFiles.walSegmentId("docs", 0, 0, 299);
    float[] all = new float[300 * 16];
    Random rnd = new Random(5);
    SegmentStats stats;
    try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), schema, id,
        "_default", 0)) {
      for (int i = 0; i < 300; i++) {
        float[] a = new float[16];
        for (int d = 0; d < 16; d++) {
          a[d] = rnd.nextFloat();
        }
        System.arraycopy(a, 0, all, i * 16, 16);
        w.write(Row.of(schema, Map.of("id", (long) i, "a", a, "b", new float[] {1, 2, 3, 4})), 0, i);
      }
      stats = w.finish();
    }
    org.apache.hadoop.fs.Path segmentDir = SegmentFiles.segmentDir(catalog.collectionDir("docs"), id);
    Map<String, IndexFile> files = SegmentIndexer.COLLECTION_SPEC.index(catalog.conf(), segmentDir, schema, stats,
        Map.of("a", new IndexSpec("GRAPH", Map.of("max_degree", "16")), "b", IndexSpec.flat()));
    assertThat(files).containsOnlyKeys("a");
    IndexFile a = files.get("a");
    assertThat(a.spec().kind()).isEqualTo("GRAPH");
    Path local = tmp.resolve("docs/segments/" + id + "/" + a.file());
    assertThat(Files.size(local)).isEqualTo(a.bytes());
    VectorValues vectors = VectorValues.of(all, 16);
    try (VectorIndex index = VectorIndexes.factory("GRAPH").open(vectors, MetricType.L2, local)) {
      SearchResult r = index.search(vectors.vector(42), 1, SearchOptions.DEFAULTS, null);
      assertThat(r.ordinal(0)).isEqualTo(42);
      assertThat(r.distance(0)).isZero();
    }
    // A replay rewrites the same file name.
    assertThat(SegmentIndexer.COLLECTION_SPEC.index(catalog.conf(), segmentDir, schema, stats,
        Map.of("a", new IndexSpec("GRAPH", Map.of("max_degree", "16")))).get("a").file()).isEqualTo(a.file());
  }
}
