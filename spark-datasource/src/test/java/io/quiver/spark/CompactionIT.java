package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.maintenance.CompactionPlanner;
import io.quiver.spark.jobs.CompactionJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction under concurrent commits, across writers: Spark bulk imports, WAL-sealed segments and WAL deletes
 * written through the engine API (as the Flink job does), SQL-style batch deletes, then compaction while another
 * committer keeps sealing upserts and deletes. Checked against a model (a replay of every change in commit order):
 * nothing lost, no delete resurrected, rows identical.
 */
class CompactionIT {
  @TempDir Path dir;

  /** id → version of the expected visible row (absent: deleted or never written). */
  private final Map<Long, Integer> model = new TreeMap<>();

  private Map<String, String> opts(String c) {
    Map<String, String> o = new HashMap<>();
    o.put("warehouse", dir.toUri().toString());
    o.put("collection", c);
    return o;
  }

  private List<String> readAll(SparkSession spark, String c) {
    return TestRows.canonical(spark.read().format("quiver").options(opts(c)).load().collectAsList());
  }

  private List<String> expected() {
    List<Row> rows = new ArrayList<>();
    synchronized (model) {
      model.forEach((id, v) -> rows.add(TestRows.row(id, v)));
    }
    return TestRows.canonical(rows);
  }

  @Test
  void compactionWhileAnotherCommitterCommitsInALoop() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Catalog catalog = Warehouses.catalog(dir.toUri().toString(), new HadoopConf(Map.of()));
    String c = "compacted";
    catalog.create(c, TestRows.schema(), 2, Map.of(), Map.of());
    WalLikeWriter wal = new WalLikeWriter(catalog, c);
    // 1. Spark bulk imports, several small ones.
    for (int i = 0; i < 3; i++) {
      List<Row> rows = TestRows.rows(i * 100L, i * 100L + 150, i + 1);
      TestRows.df(spark, rows).write().format("quiver").options(opts(c)).mode("append").save();
      int version = i + 1;
      rows.forEach(r -> model.put(r.getLong(0), version));
    }
    // 2. WAL seals with upserts and deletes.
    Map<Long, Integer> ups = new HashMap<>();
    for (long id = 380; id < 420; id++) {
      ups.put(id, 10);
    }
    List<Long> dels = List.of(5L, 6L, 7L, 390L);
    wal.commit(ups, dels);
    model.putAll(ups);
    dels.forEach(model::remove);
    // 3. A batch delete (SQL DELETE path).
    BatchDeletes.delete(catalog, c, Filters.and(Filters.ge("id", 100L), Filters.lt("id", 110L)));
    for (long id = 100; id < 110; id++) {
      model.remove(id);
    }
    assertThat(readAll(spark, c)).isEqualTo(expected());
    List<String> before = readAll(spark, c);

    // 4. Another committer seals in a loop while compaction runs.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger commits = new AtomicInteger();
    CompletableFuture<Void> committer = CompletableFuture.runAsync(() -> {
      Random rnd = new Random(7);
      int version = 20;
      while (!stop.get()) {
        Map<Long, Integer> u = new HashMap<>();
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          u.put((long) rnd.nextInt(500), version);
        }
        d.add((long) rnd.nextInt(500));
        d.removeAll(u.keySet());
        wal.commit(u, d);
        synchronized (model) {
          model.putAll(u);
          d.forEach(model::remove);
        }
        version++;
        commits.incrementAndGet();
      }
    });
    Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> commits.get() >= 2 || committer.isDone());
    int atStart = commits.get();
    CompactionJob.Result r = CompactionJob.run(spark, dir.toUri().toString(), new HadoopConf(Map.of()), c,
        new CompactionPlanner(64L << 20, 48L << 20, 0.2));
    Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> commits.get() >= atStart + 2 || committer.isDone());
    stop.set(true);
    committer.get(60, TimeUnit.SECONDS);

    assertThat(r.inputSegments()).as("segments rewritten").isGreaterThan(2);
    assertThat(r.rowsDropped()).as("hidden rows dropped").isPositive();
    Manifest after = catalog.current(c);
    assertThat(after.version()).isGreaterThan(r.version());
    assertThat(readAll(spark, c)).as("nothing lost, no delete resurrected").isEqualTo(expected());
    // With no concurrent writer, compaction changes no row at all.
    List<String> now = readAll(spark, c);
    CompactionJob.Result again = CompactionJob.run(spark, dir.toUri().toString(), new HadoopConf(Map.of()), c,
        new CompactionPlanner(64L << 20, 48L << 20, 0.2));
    assertThat(again.inputSegments()).isPositive();
    assertThat(readAll(spark, c)).isEqualTo(now);
    assertThat(before).isNotEqualTo(now);
  }
}
