package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk writes to an auto-id collection: the DataFrame has no primary key column, every task generates keys, and keys
 * stay unique across tasks and across jobs; a NULL key column is accepted (keys generated), a non-null key refused.
 */
class AutoIdWriteIT {
  @TempDir Path dir;

  @Test
  void keysAreGeneratedUniqueAcrossTasksAndJobs() {
    SparkSession spark = SparkTestSession.get();
    String warehouse = dir.toUri().toString();
    Catalog catalog = Warehouses.catalog(warehouse, new HadoopConf(Map.of()));
    CollectionSchema schema = CollectionSchema.builder()
        .int64PrimaryKey("id", true)
        .vector("emb", TestRows.DIM, MetricType.L2)
        .varchar("title", 64, true)
        .add(FieldSchema.builder("year", DataType.INT32).build())
        .scalar("score", DataType.FLOAT)
        .build();
    catalog.create("auto", schema, 2, Map.of(), Map.of());
    Map<String, String> o = new HashMap<>();
    o.put("warehouse", warehouse);
    o.put("collection", "auto");

    Dataset<Row> first = TestRows.df(spark, TestRows.rows(0, 300, 1)).drop("id").repartition(3);
    Dataset<Row> second = TestRows.df(spark, TestRows.rows(0, 300, 2)).drop("id").repartition(2);
    first.write().format("quiver").options(o).mode("append").save();
    second.write().format("quiver").options(o).mode("append").save();

    List<Row> back = spark.read().format("quiver").options(o).load().select("id", "title", "year").collectAsList();
    assertThat(back).hasSize(600);
    Set<Long> ids = new HashSet<>();
    List<String> titles = new ArrayList<>();
    for (Row r : back) {
      assertThat(r.getLong(0)).as("generated key").isPositive();
      ids.add(r.getLong(0));
      titles.add(r.isNullAt(1) ? "null" : r.getString(1));
    }
    assertThat(ids).as("distinct keys across 5 tasks of 2 jobs").hasSize(600);
    List<String> expected = new ArrayList<>();
    for (int v = 1; v <= 2; v++) {
      for (Row r : TestRows.rows(0, 300, v)) {
        expected.add(r.isNullAt(2) ? "null" : r.getString(2));
      }
    }
    assertThat(titles).containsExactlyInAnyOrderElementsOf(expected);

    long version = catalog.current("auto").version();
    assertThatThrownBy(() -> TestRows.df(spark, TestRows.rows(7, 10, 3)).write().format("quiver").options(o)
        .mode("append").save()).hasStackTraceContaining("Invalid value for field 'id': ")
        .hasStackTraceContaining("the primary key is auto id and Quiver generates it");
    assertThat(catalog.current("auto").version()).isEqualTo(version);

    // A NULL key column (e.g. a DataFrame shaped like the table) is the same as leaving it out: keys generated.
    TestRows.df(spark, TestRows.rows(0, 10, 4)).withColumn("id", org.apache.spark.sql.functions.lit(null)
        .cast("bigint")).write().format("quiver").options(o).mode("append").save();
    assertThat(spark.read().format("quiver").options(o).load().select("id").distinct().count())
        .as("distinct keys after the NULL-key write").isEqualTo(610);

    // Created on write: a NULL key column plus options primary_key and auto_id=true.
    Map<String, String> created = new HashMap<>(o);
    created.put("collection", "auto_created");
    created.put("primary_key", "id");
    created.put("emb.dim", Integer.toString(TestRows.DIM));
    Dataset<Row> nullKeys = TestRows.df(spark, TestRows.rows(0, 20, 5))
        .withColumn("id", org.apache.spark.sql.functions.lit(null).cast("bigint"));
    created.put("auto_id", "yes");
    assertThatThrownBy(() -> nullKeys.write().format("quiver").options(created).mode("append").save())
        .hasStackTraceContaining("property 'auto_id' is 'yes', expected true or false");
    created.put("auto_id", "true");
    nullKeys.write().format("quiver").options(created).mode("append").save();
    assertThat(catalog.current("auto_created").schema().primaryKey().isAutoId()).isTrue();
    assertThat(spark.read().format("quiver").options(created).load().select("id").distinct().count())
        .as("generated keys of the created collection").isEqualTo(20);
  }
}
