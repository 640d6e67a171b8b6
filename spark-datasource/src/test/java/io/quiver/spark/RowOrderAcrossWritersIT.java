package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.maintenance.CompactionPlanner;
import io.quiver.spark.jobs.CompactionJob;
import io.quiver.spark.read.WalTail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One row order for every writer: WAL-sealed segments (engine API, as the Flink job writes them, with the same
 * records in Kafka), a Spark bulk import, compaction output, and the unsealed WAL tail read with
 * {@code include_unsealed=true}. The newest change of each key wins, whoever wrote it.
 */
@QuiverServers(kafka = true)
class RowOrderAcrossWritersIT {
  @TempDir Path dir;

  @Test
  void newestChangeWinsAcrossWalSparkCompactionAndTail(EmbeddedKafka kafka) {
    SparkSession spark = SparkTestSession.get();
    Catalog catalog = Warehouses.catalog(dir.toUri().toString(), new HadoopConf(Map.of()));
    String c = "ordered";
    catalog.create(c, TestRows.schema(), 2, Map.of(), Map.of());
    kafka.createTopic(WalTail.topic(c), 2);
    WalLikeWriter wal = new WalLikeWriter(catalog, c).withKafka(kafka.bootstrapServers());
    Map<Long, Integer> model = new TreeMap<>();

    Map<Long, Integer> first = new HashMap<>();
    for (long id = 0; id < 40; id++) {
      first.put(id, 1);
    }
    wal.commit(first, List.of());
    model.putAll(first);

    Map<String, String> o = new HashMap<>();
    o.put("warehouse", dir.toUri().toString());
    o.put("collection", c);
    TestRows.df(spark, TestRows.rows(30, 60, 2)).write().format("quiver").options(o).mode("append").save();
    for (long id = 30; id < 60; id++) {
      model.put(id, 2);
    }

    Map<Long, Integer> third = new HashMap<>();
    for (long id = 50; id < 55; id++) {
      third.put(id, 3);
    }
    wal.commit(third, List.of(0L, 1L, 35L));
    model.putAll(third);
    List.of(0L, 1L, 35L).forEach(model::remove);

    CompactionJob.Result r = CompactionJob.run(spark, dir.toUri().toString(), new HadoopConf(Map.of()), c,
        CompactionPlanner.defaults());
    assertThat(r.inputSegments()).isPositive();
    assertThat(read(spark, o)).as("sealed state after compaction").isEqualTo(expected(model));

    Map<Long, Integer> tail = new HashMap<>();
    tail.put(55L, 4);
    tail.put(36L, 4);
    tail.put(0L, 4);
    tail.put(100L, 4);
    wal.produceOnly(tail, List.of(2L, 31L));
    Map<Long, Integer> withTail = new TreeMap<>(model);
    withTail.putAll(tail);
    List.of(2L, 31L).forEach(withTail::remove);

    assertThat(read(spark, o)).as("sealed only").isEqualTo(expected(model));
    Map<String, String> fresh = new HashMap<>(o);
    fresh.put("include_unsealed", "true");
    fresh.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    assertThat(read(spark, fresh)).as("with the unsealed tail").isEqualTo(expected(withTail));
    assertThat(spark.read().format("quiver").options(fresh).load().filter("id >= 36 AND id <= 40").count())
        .isEqualTo(5);
  }

  static List<String> read(SparkSession spark, Map<String, String> o) {
    return TestRows.canonical(spark.read().format("quiver").options(o).load().collectAsList());
  }

  static List<String> expected(Map<Long, Integer> model) {
    List<Row> rows = new ArrayList<>();
    model.forEach((id, v) -> rows.add(TestRows.row(id, v)));
    return TestRows.canonical(rows);
  }
}
