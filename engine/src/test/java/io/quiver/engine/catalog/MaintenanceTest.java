package io.quiver.engine.catalog;

import static io.quiver.engine.catalog.CatalogFixtures.localCatalog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceTest {
  @TempDir Path tmp;
  private final CollectionSchema schema = TestData.docs(4);

  private SegmentEntry writeSegment(Catalog catalog, String id, long first) {
    try (SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("docs"), schema, id,
        "_default", 0)) {
      TestData.docs(schema, first, 20, first).forEach(r -> w.write(r, 0, first));
      SegmentStats stats = w.finish();
      return SegmentEntry.written(stats, Map.of());
    }
  }

  @Test
  void garbageCollectionKeepsWhatAnyRetainedVersionReaches() throws IOException {
    Catalog catalog = localCatalog(tmp);
    catalog.create("docs", schema, 1, Map.of(), Map.of());
    ManifestCommitter committer = catalog.committer("docs");
    committer.commit(CommitMessage.builder("append").addSegment(writeSegment(catalog, "a", 0)).build()); // v2
    committer.commit(CommitMessage.builder("append").addSegment(writeSegment(catalog, "b", 100)).build()); // v3
    committer.tag("keep", 3);
    // v4: compaction replaces a and b by c; a and b stay reachable through v2/v3
    committer.commit(CommitMessage.builder("replace").removeSegment("a").removeSegment("b")
        .addSegment(writeSegment(catalog, "c", 0)).build());
    writeSegment(catalog, "orphan", 500); // written, never committed (a failed job)
    Path orphan = tmp.resolve("docs/segments/orphan/data.parquet");
    Maintenance maintenance = catalog.maintenance("docs");

    // Everything is still reachable or too young
    assertThat(maintenance.removeOrphanFiles(0)).isEmpty();
    assertThat(maintenance.removeOrphanFiles(Long.MAX_VALUE)).hasSize(2)
        .allMatch(p -> p.contains("/segments/orphan/"));
    assertThat(orphan).doesNotExist();
    assertThat(tmp.resolve("docs/segments/a/data.parquet")).exists();

    // Expire everything but the current version and the tagged v3: v2 (only one with "a") goes, so does a.
    assertThat(maintenance.expireVersions(Long.MAX_VALUE, 1)).containsExactly(1L, 2L, 4L);
    Manifest now = catalog.current("docs");
    assertThat(now.history()).extracting(Manifest.HistoryEntry::version).containsExactly(3L, 5L);
    maintenance.removeOrphanFiles(Long.MAX_VALUE);
    assertThat(tmp.resolve("docs/segments/a/data.parquet")).exists(); // v3 (tagged) still lists a and b
    assertThat(tmp.resolve("docs/segments/c/data.parquet")).exists();
    assertThat(tmp.resolve("docs/metadata/v2.json")).doesNotExist();
    assertThat(tmp.resolve("docs/metadata/v3.json")).exists();
    assertThat(catalog.tag("docs", "keep").segments()).extracting(SegmentEntry::id).containsExactly("a", "b");

    committer.removeTag("keep");
    maintenance.expireVersions(Long.MAX_VALUE, 1);
    maintenance.removeOrphanFiles(Long.MAX_VALUE);
    assertThat(tmp.resolve("docs/segments/a")).isEmptyDirectory();
    assertThat(tmp.resolve("docs/segments/c/data.parquet")).exists();
    assertThat(catalog.current("docs").segments()).extracting(SegmentEntry::id).containsExactly("c");
    assertThat(SegmentFiles.segmentDir(catalog.collectionDir("docs"), "c").toString()).endsWith("segments/c");
  }

  @Test
  void manifestsRoundTripAndRefuseCorruption() throws IOException {
    Catalog catalog = localCatalog(tmp);
    catalog.create("docs", schema, 2, Map.of("emb", new IndexSpec("GRAPH", Map.of("max_degree", "32"))),
        Map.of("k", "v"));
    catalog.committer("docs").commit(CommitMessage.builder("append").addSegment(writeSegment(catalog, "a", 0))
        .addDeleteFile(new DeleteFileEntry("deletes/0000/b-x.parquet", 0, 0, 3, 1, 9, 100)).build());
    Manifest m = catalog.current("docs");
    Manifest back = ManifestParser.fromBytes(ManifestParser.toBytes(m), "mem");
    assertThat(ManifestParser.toJson(back)).isEqualTo(ManifestParser.toJson(m));
    assertThat(back.segments().get(0).stats()).isEqualTo(m.segments().get(0).stats());
    assertThat(back.indexSpecs().get("emb").params()).containsEntry("max_degree", "32");

    Path v2 = tmp.resolve("docs/metadata/v2.json");
    String text = Files.readString(v2);
    Files.writeString(v2, text.replace("\"k\" : \"v\"", "\"k\" : \"w\""));
    assertThatThrownBy(() -> catalog.operations("docs").read("v2.json")).isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("v2.json").hasMessageContaining("checksum mismatch");
    Files.writeString(v2, text.replace("\"format-version\":1", "\"format-version\":2"));
    assertThatThrownBy(() -> catalog.operations("docs").read("v2.json"))
        .hasMessageContaining("unknown format version 2");
    Files.writeString(v2, text.replace("quiver-manifest", "quiver-other"));
    assertThatThrownBy(() -> catalog.operations("docs").read("v2.json"))
        .hasMessageContaining("format is 'quiver-other'");
  }
}
