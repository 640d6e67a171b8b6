package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentRowGroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments larger than {@code spark.sql.files.maxPartitionBytes} are read by one task per row group, each streaming
 * its row group: rows hidden by upserts and deletes anywhere in the segment, and the pushed filter, apply across the
 * row group boundaries exactly as in a whole-segment read.
 */
class RowGroupSplitIT {
  @TempDir Path dir;

  @Test
  void largeSegmentsAreSplitByRowGroupAndReadTheSame() {
    SparkSession spark = SparkTestSession.get();
    String warehouse = dir.toUri().toString();
    Map<String, String> o = new HashMap<>();
    o.put("warehouse", warehouse);
    o.put("collection", "split");
    o.put("hadoop.parquet.block.size", "16384");
    Catalog catalog = Warehouses.catalog(warehouse, new HadoopConf(Map.of("parquet.block.size", "16384")));
    catalog.create("split", TestRows.schema(), 1, Map.of(), Map.of());
    Map<Long, Integer> model = new TreeMap<>();
    TestRows.df(spark, TestRows.rows(0, 3000, 1)).coalesce(1).write().format("quiver").options(o).mode("append")
        .save();
    List<Row> upserts = new ArrayList<>();
    for (long id = 0; id < 3000; id++) {
      model.put(id, 1);
      if (id % 7 == 3) {
        upserts.add(TestRows.row(id, 2));
        model.put(id, 2);
      }
    }
    TestRows.df(spark, upserts).coalesce(1).write().format("quiver").options(o).mode("append").save();
    BatchDeletes.delete(catalog, "split", Filters.parse("id >= 1000 and id < 1100"));
    for (long id = 1000; id < 1100; id++) {
      model.remove(id);
    }

    Manifest m = catalog.current("split");
    assertThat(m.segments()).hasSize(2);
    int tasks = 0;
    for (SegmentEntry s : m.segments()) {
      try (SegmentRowGroups g = SegmentRowGroups.open(catalog.conf(),
          SegmentFiles.segmentDir(catalog.collectionDir("split"), s.id()), m.schema(), Set.of())) {
        if (s.rowCount() == 3000) {
          assertThat(g.rowGroupCount()).as("row groups of the 3000-row segment").isGreaterThan(3);
        }
        tasks += s.stats().dataBytes() > 8192 ? g.rowGroupCount() : 1;
      }
    }

    String key = "spark.sql.files.maxPartitionBytes";
    String before = spark.conf().get(key);
    spark.conf().set(key, "8k");
    try {
      Dataset<Row> all = spark.read().format("quiver").options(o).load();
      assertThat(all.rdd().getNumPartitions()).as("one task per row group of each segment over 8 KB")
          .isEqualTo(tasks);
      assertThat(TestRows.canonical(all.collectAsList())).isEqualTo(RowOrderAcrossWritersIT.expected(model));
      assertThat(TestRows.canonical(all.filter("year = 2000").collectAsList()))
          .isEqualTo(RowOrderAcrossWritersIT.expected(year2000(model)));
    } finally {
      spark.conf().set(key, before);
    }
    assertThat(spark.read().format("quiver").options(o).load().rdd().getNumPartitions())
        .as("under the default split size a small segment is one task").isEqualTo(2);

    // one task per segment, streamed in batches far smaller than its row groups: hidden rows and the filter apply
    // batch by batch, across batch and row group boundaries
    Dataset<Row> small = spark.read().format("quiver").options(o).option("batch_rows", "64").load();
    assertThat(TestRows.canonical(small.collectAsList())).isEqualTo(RowOrderAcrossWritersIT.expected(model));
    assertThat(TestRows.canonical(small.filter("year = 2000").collectAsList()))
        .isEqualTo(RowOrderAcrossWritersIT.expected(year2000(model)));
    assertThatThrownBy(() -> spark.read().format("quiver").options(o).option("batch_rows", "0").load().count())
        .hasStackTraceContaining("Option 'batch_rows' must be at least 1, got 0");
  }

  private static Map<Long, Integer> year2000(Map<Long, Integer> model) {
    Map<Long, Integer> out = new TreeMap<>();
    model.forEach((id, v) -> {
      if (1990 + id % 30 == 2000) {
        out.put(id, v);
      }
    });
    return out;
  }
}
