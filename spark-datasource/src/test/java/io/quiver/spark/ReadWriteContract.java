package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Write/read behaviour every warehouse must show (local folder, S3 through S3A): subclasses give the warehouse and
 * its Hadoop options.
 */
abstract class ReadWriteContract {
  static final AtomicInteger NAMES = new AtomicInteger();

  abstract String warehouse();

  /** The hadoop.* options. */
  abstract Map<String, String> hadoop();

  SparkSession spark() {
    return SparkTestSession.get();
  }

  Catalog catalog() {
    return Warehouses.catalog(warehouse(), new HadoopConf(strip(hadoop())));
  }

  static Map<String, String> strip(Map<String, String> hadoopOptions) {
    Map<String, String> out = new HashMap<>();
    hadoopOptions.forEach((k, v) -> out.put(k.substring("hadoop.".length()), v));
    return out;
  }

  String newCollection(int shards) {
    String name = "c" + NAMES.incrementAndGet() + "_" + getClass().getSimpleName().toLowerCase();
    catalog().create(name, TestRows.schema(), shards, Map.of(), Map.of());
    return name;
  }

  Map<String, String> opts(String collection) {
    Map<String, String> o = new HashMap<>(hadoop());
    o.put("warehouse", warehouse());
    o.put("collection", collection);
    return o;
  }

  void write(String collection, Dataset<Row> df, String mode, Map<String, String> extra) {
    Map<String, String> o = opts(collection);
    o.putAll(extra);
    df.write().format("quiver").options(o).mode(mode).save();
  }

  Dataset<Row> read(String collection, Map<String, String> extra) {
    Map<String, String> o = opts(collection);
    o.putAll(extra);
    return spark().read().format("quiver").options(o).load();
  }

  /** {@code rows} as a DataFrame whose task throws when it reaches key {@code failId}. */
  Dataset<Row> failingAt(String collection, long failId, List<Row> rows) {
    spark().udf().register("boom_" + collection, (UDF1<Long, Long>) id -> {
      if (id == failId) {
        throw new IllegalStateException("injected failure at id " + failId);
      }
      return id;
    }, DataTypes.LongType);
    return TestRows.df(spark(), rows).withColumn("id", functions.callUDF("boom_" + collection, functions.col("id")));
  }

  @Test
  void writeThenReadBackEqual() {
    String c = newCollection(2);
    List<Row> rows = TestRows.rows(0, 500, 1);
    write(c, TestRows.df(spark(), rows), "append", Map.of());
    List<Row> back = read(c, Map.of()).collectAsList();
    assertThat(TestRows.canonical(back)).isEqualTo(TestRows.canonical(rows));
    Manifest m = catalog().current(c);
    assertThat(m.segments()).allSatisfy(s -> assertThat(s.stats().shard()).isBetween(0, 1));
    assertThat(m.totalRows()).isEqualTo(500);
  }

  @Test
  void appendOfExistingKeysLetsTheNewRowWin_andUpsertModeToo() {
    String c = newCollection(2);
    write(c, TestRows.df(spark(), TestRows.rows(0, 100, 1)), "append", Map.of());
    write(c, TestRows.df(spark(), TestRows.rows(50, 150, 2)), "append", Map.of());
    write(c, TestRows.df(spark(), TestRows.rows(140, 160, 3)), "append", Map.of("write_mode", "upsert"));
    List<Row> expected = new ArrayList<>(TestRows.rows(0, 50, 1));
    expected.addAll(TestRows.rows(50, 140, 2));
    expected.addAll(TestRows.rows(140, 160, 3));
    assertThat(TestRows.canonical(read(c, Map.of()).collectAsList())).isEqualTo(TestRows.canonical(expected));
  }

  @Test
  void duplicateKeysInOneWrite_underEachOnDuplicate() {
    // Rows in DataFrame order: ids 0..19 (version 1), then 10..29 (version 2): keys 10..19 appear twice.
    List<Row> rows = new ArrayList<>(TestRows.rows(0, 20, 1));
    rows.addAll(TestRows.rows(10, 30, 2));
    String last = newCollection(2);
    write(last, TestRows.df(spark(), rows), "append", Map.of("on_duplicate", "last"));
    List<Row> expectLast = new ArrayList<>(TestRows.rows(0, 10, 1));
    expectLast.addAll(TestRows.rows(10, 30, 2));
    assertThat(TestRows.canonical(read(last, Map.of()).collectAsList())).isEqualTo(TestRows.canonical(expectLast));

    String first = newCollection(2);
    write(first, TestRows.df(spark(), rows), "append", Map.of("on_duplicate", "first"));
    List<Row> expectFirst = new ArrayList<>(TestRows.rows(0, 20, 1));
    expectFirst.addAll(TestRows.rows(20, 30, 2));
    assertThat(TestRows.canonical(read(first, Map.of()).collectAsList())).isEqualTo(TestRows.canonical(expectFirst));

    String error = newCollection(2);
    long before = catalog().current(error).version();
    assertThatThrownBy(() -> write(error, TestRows.df(spark(), rows), "append", Map.of("on_duplicate", "error")))
        .hasStackTraceContaining("Duplicate primary key id=1");
    assertThat(catalog().current(error).version()).isEqualTo(before);
  }

  @Test
  void overwriteReplacesEverything() {
    String c = newCollection(1);
    write(c, TestRows.df(spark(), TestRows.rows(0, 100, 1)), "append", Map.of());
    write(c, TestRows.df(spark(), TestRows.rows(1000, 1010, 5)), "overwrite", Map.of());
    assertThat(TestRows.canonical(read(c, Map.of()).collectAsList()))
        .isEqualTo(TestRows.canonical(TestRows.rows(1000, 1010, 5)));
    assertThat(catalog().current(c).summary().get("operation")).isEqualTo("overwrite");
  }

  @Test
  void overwriteOfOnePartitionLeavesTheOthersIntact_atomically() {
    String c = newCollection(2);
    write(c, TestRows.df(spark(), TestRows.rows(0, 30, 1)), "append", Map.of());
    write(c, TestRows.df(spark(), TestRows.rows(100, 130, 1)), "append", Map.of("partition", "p1"));
    write(c, TestRows.df(spark(), TestRows.rows(200, 220, 1)), "append", Map.of("partition", "p2"));
    Manifest before = catalog().current(c);
    assertThat(before.partitions()).as("partitions created by the writes").containsExactly("_default", "p1", "p2");
    List<Row> untouched = new ArrayList<>(TestRows.rows(0, 30, 1));
    untouched.addAll(TestRows.rows(200, 220, 1));

    // A failing overwrite of p1 changes nothing.
    Dataset<Row> failing = failingAt(c, 150, TestRows.rows(100, 160, 3));
    assertThatThrownBy(() -> write(c, failing, "overwrite", Map.of("partition", "p1")))
        .hasStackTraceContaining("injected failure");
    assertThat(catalog().current(c).version()).isEqualTo(before.version());

    write(c, TestRows.df(spark(), TestRows.rows(100, 110, 2)), "overwrite", Map.of("partition", "p1"));
    Manifest after = catalog().current(c);
    assertThat(after.version()).as("one commit").isEqualTo(before.version() + 1);
    assertThat(after.summary().get("operation")).isEqualTo("overwrite");
    assertThat(after.segments().stream().filter(s -> s.stats().partition().equals("p1"))
        .allMatch(s -> s.sequenceNumber() == after.lastSequenceNumber())).as("p1 holds only the new segments").isTrue();
    List<Row> expected = new ArrayList<>(untouched);
    expected.addAll(TestRows.rows(100, 110, 2));
    assertThat(TestRows.canonical(read(c, Map.of()).collectAsList())).isEqualTo(TestRows.canonical(expected));
    List<Row> old = new ArrayList<>(untouched);
    old.addAll(TestRows.rows(100, 130, 1));
    assertThat(TestRows.canonical(read(c, Map.of("version", Long.toString(before.version()))).collectAsList()))
        .as("the version before the overwrite").isEqualTo(TestRows.canonical(old));
  }

  @Test
  void timeTravelToEachEarlierVersion() {
    String c = newCollection(2);
    Map<Long, List<Row>> expected = new HashMap<>();
    Map<Long, Row> live = new java.util.TreeMap<>();
    expected.put(catalog().current(c).version(), List.of());
    for (int v = 1; v <= 3; v++) {
      List<Row> batch = TestRows.rows(v * 30L, v * 30L + 50, v);
      write(c, TestRows.df(spark(), batch), "append", Map.of());
      batch.forEach(r -> live.put(r.getLong(0), r));
      expected.put(catalog().current(c).version(), new ArrayList<>(live.values()));
    }
    for (Map.Entry<Long, List<Row>> e : expected.entrySet()) {
      assertThat(TestRows.canonical(read(c, Map.of("version", e.getKey().toString())).collectAsList()))
          .as("version %s", e.getKey()).isEqualTo(TestRows.canonical(e.getValue()));
    }
    Manifest v2 = catalog().version(c, 2);
    assertThat(TestRows.canonical(read(c, Map.of("snapshot_id", Long.toString(v2.snapshotId()))).collectAsList()))
        .isEqualTo(TestRows.canonical(expected.get(2L)));
    assertThat(TestRows.canonical(read(c, Map.of("as_of_timestamp", Long.toString(v2.timestampMillis())))
        .collectAsList())).isEqualTo(TestRows.canonical(expected.get(2L)));
  }

  @Test
  void aJobFailingMidWriteLeavesTheCollectionAsItWas() throws Exception {
    String c = newCollection(2);
    write(c, TestRows.df(spark(), TestRows.rows(0, 100, 1)), "append", Map.of());
    Manifest before = catalog().current(c);
    Dataset<Row> failing = failingAt(c, 1150, TestRows.rows(1000, 1200, 2));
    assertThatThrownBy(() -> write(c, failing, "append", Map.of())).hasStackTraceContaining("injected failure");
    Manifest after = catalog().current(c);
    assertThat(after.version()).isEqualTo(before.version());
    assertThat(TestRows.canonical(read(c, Map.of()).collectAsList()))
        .isEqualTo(TestRows.canonical(TestRows.rows(0, 100, 1)));
    // Whatever a failed task left behind is an orphan that garbage collection removes.
    catalog().maintenance(c).removeOrphanFiles(System.currentTimeMillis() + 1000);
    Set<String> live = new HashSet<>();
    for (SegmentEntry s : after.segments()) {
      live.add(s.id());
    }
    Path segs = new Path(catalog().collectionDir(c), "segments");
    for (FileStatus st : catalog().fileSystem().listStatus(segs)) {
      if (!live.contains(st.getPath().getName())) {
        assertThat(catalog().fileSystem().listFiles(st.getPath(), true).hasNext())
            .as("files left in uncommitted segment %s", st.getPath().getName()).isFalse();
      }
    }
  }
}
