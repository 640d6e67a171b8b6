package io.quiver.spark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.SparkTestSession;
import io.quiver.spark.Warehouses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit-time check of auto-id writes, made to fire on purpose: the key generators are replaced through the
 * package-private test seam {@link WriteSpec#keysForTests} (no write option reaches it) by fixed sequences, so a
 * second write generates keys that are already live, or one write generates a key twice. The job must fail before
 * the commit: same manifest version, same rows, and no segment files left behind.
 */
class AutoIdCollisionIT {
  private static final StructType INPUT = new StructType()
      .add("emb", DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add("title", DataTypes.StringType, true);

  @TempDir Path dir;

  @AfterEach
  void resetSeam() {
    WriteSpec.keysForTests = null;
  }

  /** Keys {@code first, first + 1, ...} in every task, whatever its partition: tasks collide with each other. */
  private static WriteSpec.TaskKeys sameSequence(long first) {
    return p -> {
      long[] next = {first};
      return () -> next[0]++;
    };
  }

  /** Keys {@code first + p * 1,000,000, ...} in task {@code p}: tasks never collide with each other. */
  private static WriteSpec.TaskKeys perTask(long first) {
    return p -> {
      long[] next = {first + p * 1_000_000L};
      return () -> next[0]++;
    };
  }

  private static Dataset<Row> rows(SparkSession spark, String prefix, int n, int partitions) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(RowFactory.create(List.of((float) i, 1f, 2f, 3f), prefix + i));
    }
    return spark.createDataFrame(out, INPUT).repartition(partitions);
  }

  @Test
  void aGeneratedKeyThatIsLiveOrRepeatedFailsTheJobBeforeCommit() {
    SparkSession spark = SparkTestSession.get();
    String warehouse = dir.toUri().toString();
    Catalog catalog = Warehouses.catalog(warehouse, new HadoopConf(Map.of()));
    CollectionSchema schema = CollectionSchema.builder()
        .int64PrimaryKey("id", true)
        .vector("emb", 4, MetricType.L2)
        .varchar("title", 64, true)
        .build();
    catalog.create("auto", schema, 2, Map.of(), Map.of());
    Map<String, String> o = Map.of("warehouse", warehouse, "collection", "auto");

    WriteSpec.keysForTests = perTask(1_000);
    rows(spark, "first ", 100, 1).write().format("quiver").options(o).mode("append").save();
    Manifest before = catalog.current("auto");
    List<String> rowsBefore = read(spark, o);
    assertThat(rowsBefore).hasSize(100);
    assertThat(rowsBefore.get(0)).as("smallest key").startsWith("[1000,first ");
    assertThat(rowsBefore.get(99)).as("largest key").startsWith("[1099,first ");
    assertThat(segmentDirs(catalog)).as("segment directories = the manifest's").isEqualTo(ids(before));

    // The same sequence again: keys 1000..1009 are live (in one of the two shards' segments).
    WriteSpec.keysForTests = perTask(1_000);
    assertThatThrownBy(() -> rows(spark, "second ", 10, 1).write().format("quiver").options(o).mode("append")
        .save())
        .hasStackTraceContaining("Auto id id=")
        .hasStackTraceContaining("is already live in segment")
        .hasStackTraceContaining("nothing committed");
    assertUnchanged(spark, catalog, o, before, rowsBefore);

    // Two tasks with the same sequence: keys 5000..5004 generated twice in one write (none of them live).
    WriteSpec.keysForTests = sameSequence(5_000);
    assertThatThrownBy(() -> rows(spark, "third ", 10, 2).write().format("quiver").options(o).mode("append")
        .save())
        .hasStackTraceContaining("was generated twice in write")
        .hasStackTraceContaining("nothing committed");
    assertUnchanged(spark, catalog, o, before, rowsBefore);

    // Keys that touch no live row pass the same check: the failures above came from the collisions.
    WriteSpec.keysForTests = perTask(2_000);
    rows(spark, "fourth ", 10, 2).write().format("quiver").options(o).mode("append").save();
    assertThat(catalog.current("auto").version()).isEqualTo(before.version() + 1);
    assertThat(read(spark, o)).hasSize(110).containsAll(rowsBefore);
  }

  private static void assertUnchanged(SparkSession spark, Catalog catalog, Map<String, String> o, Manifest before,
      List<String> rowsBefore) {
    assertThat(catalog.current("auto").version()).as("manifest version after the failed write")
        .isEqualTo(before.version());
    assertThat(read(spark, o)).as("rows after the failed write").isEqualTo(rowsBefore);
    assertThat(segmentDirs(catalog)).as("segment directories after the failed write (abort cleaned up)")
        .isEqualTo(ids(before));
  }

  private static List<String> read(SparkSession spark, Map<String, String> o) {
    return spark.read().format("quiver").options(o).load().select("id", "title").orderBy("id").collectAsList()
        .stream().map(Row::toString).collect(Collectors.toList());
  }

  private static Set<String> ids(Manifest m) {
    return m.segments().stream().map(SegmentEntry::id).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> segmentDirs(Catalog catalog) {
    org.apache.hadoop.fs.Path segments = new org.apache.hadoop.fs.Path(catalog.collectionDir("auto"),
        SegmentFiles.SEGMENTS_DIR);
    try {
      Set<String> out = new TreeSet<>();
      if (catalog.fileSystem().exists(segments)) {
        for (FileStatus s : catalog.fileSystem().listStatus(segments)) {
          out.add(s.getPath().getName());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
