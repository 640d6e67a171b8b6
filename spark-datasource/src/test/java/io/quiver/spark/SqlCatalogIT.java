package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL catalog end to end: DDL, inserts (also into an auto-id table), time travel, tags, deletes, procedures, drop. */
class SqlCatalogIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static Catalog catalog;

  @BeforeAll
  static void catalog() {
    spark = SparkTestSession.get();
    spark.conf().set("spark.sql.catalog.qsql", QuiverCatalog.class.getName());
    spark.conf().set("spark.sql.catalog.qsql.warehouse", dir.toUri().toString());
    catalog = Warehouses.catalog(dir.toUri().toString(), new HadoopConf(Map.of()));
  }

  static List<Row> sql(String q) {
    return spark.sql(q).collectAsList();
  }

  static long count(String q) {
    return sql(q).get(0).getLong(0);
  }

  static String values(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ", ").append("(").append(i).append(", CAST(array(").append(i % 10).append(", ")
          .append(i % 7).append(", 1, ").append(i).append(") AS ARRAY<FLOAT>), 'doc ").append(i).append("', ")
          .append(1990 + i % 30).append(")");
    }
    return b.toString();
  }

  @Test
  void catalogStatements() {
    sql("CREATE NAMESPACE IF NOT EXISTS qsql.db");
    sql("CREATE TABLE qsql.db.docs (id BIGINT NOT NULL, emb ARRAY<FLOAT>, title STRING, year INT) USING quiver "
        + "TBLPROPERTIES ('emb.dim'='4', 'emb.metric'='L2', 'emb.index'='GRAPH', 'shards'='2', "
        + "'primary_key'='id')");
    assertThat(catalog.exists("db__docs")).isTrue();
    assertThat(sql("SHOW TABLES IN qsql.db")).extracting(r -> r.getString(1)).containsExactly("docs");
    assertThat(catalog.current("db__docs").indexSpecs().get("emb").kind()).isEqualTo("GRAPH");

    sql("INSERT INTO qsql.db.docs VALUES " + values(0, 100));
    Manifest v2 = catalog.current("db__docs");
    sql("INSERT INTO qsql.db.docs VALUES " + values(50, 150));
    assertThat(count("SELECT count(*) FROM qsql.db.docs")).isEqualTo(150);
    assertThat(count("SELECT count(*) FROM qsql.db.docs VERSION AS OF " + v2.version())).isEqualTo(100);
    assertThat(count("SELECT count(*) FROM qsql.db.docs VERSION AS OF 1")).isZero();
    assertThat(count("SELECT count(*) FROM qsql.db.docs TIMESTAMP AS OF '"
        + new java.sql.Timestamp(v2.timestampMillis()) + "'")).isEqualTo(100);

    sql("CALL qsql.system.create_tag(table => 'db.docs', tag => 'first_load', version => " + v2.version() + ")");
    assertThat(count("SELECT count(*) FROM qsql.db.docs VERSION AS OF 'first_load'")).isEqualTo(100);

    long old = count("SELECT count(*) FROM qsql.db.docs WHERE year < 2000");
    assertThat(old).isPositive();
    sql("DELETE FROM qsql.db.docs WHERE year < 2000");
    assertThat(count("SELECT count(*) FROM qsql.db.docs WHERE year < 2000")).isZero();
    assertThat(count("SELECT count(*) FROM qsql.db.docs")).isEqualTo(150 - old);
    assertThat(catalog.current("db__docs").deleteFiles()).isNotEmpty();
    List<String> before = rows("SELECT id, emb, title, year FROM qsql.db.docs");

    List<Row> compacted = sql("CALL qsql.system.compact(table => 'db.docs')");
    assertThat(compacted.get(0).getInt(2)).as("rewritten segments").isPositive();
    assertThat(catalog.current("db__docs").deleteFiles()).as("delete files retired").isEmpty();
    assertThat(rows("SELECT id, emb, title, year FROM qsql.db.docs")).isEqualTo(before);
    assertThat(catalog.current("db__docs").segments()).allSatisfy(s ->
        assertThat(s.indexes()).containsKey("emb"));

    List<Row> reindexed = sql("CALL qsql.system.reindex(table => 'db.docs', field => 'emb', index_type => 'FLAT',"
        + " only_missing => false)");
    assertThat(reindexed.get(0).getInt(1)).isPositive();
    assertThat(catalog.current("db__docs").indexSpecs().get("emb").kind()).isEqualTo("FLAT");

    List<Row> expired = sql("CALL qsql.system.expire_versions(table => 'db.docs', retain_last => 2)");
    assertThat(expired.get(0).getString(0)).isNotEqualTo("[]");
    assertThat(count("SELECT count(*) FROM qsql.db.docs VERSION AS OF 'first_load'")).as("tagged kept")
        .isEqualTo(100);
    sql("CALL qsql.system.remove_orphan_files(table => 'db.docs', older_than_ms => "
        + (System.currentTimeMillis() + 1000) + ")");
    assertThat(rows("SELECT id, emb, title, year FROM qsql.db.docs")).isEqualTo(before);

    sql("DROP TABLE qsql.db.docs");
    assertThat(catalog.exists("db__docs")).isFalse();
    assertThat(sql("SHOW TABLES IN qsql.db")).isEmpty();
  }

  @Test
  void insertIntoAnAutoIdTableGeneratesKeys() {
    sql("CREATE NAMESPACE IF NOT EXISTS qsql.db");
    sql("CREATE TABLE qsql.db.auto (id BIGINT, emb ARRAY<FLOAT>, title STRING) USING quiver "
        + "TBLPROPERTIES ('primary_key'='id', 'auto_id'='true', 'emb.dim'='4', 'shards'='2')");
    assertThat(catalog.current("db__auto").schema().primaryKey().isAutoId()).isTrue();
    assertThat(spark.table("qsql.db.auto").schema().apply("id").nullable()).as("auto-id key: NULL = generate")
        .isTrue();

    sql("INSERT INTO qsql.db.auto (emb, title) VALUES (CAST(array(1, 2, 3, 4) AS ARRAY<FLOAT>), 'values a'), "
        + "(CAST(array(4, 3, 2, 1) AS ARRAY<FLOAT>), 'values b')");
    sql("CREATE OR REPLACE TEMPORARY VIEW auto_src AS SELECT CAST(array(id, 1, 2, 3) AS ARRAY<FLOAT>) AS emb, "
        + "concat('select ', id) AS title FROM range(0, 50, 1, 3)");
    sql("INSERT INTO qsql.db.auto SELECT NULL, emb, title FROM auto_src");
    sql("INSERT INTO qsql.db.auto (title, emb) SELECT concat('by name ', title), emb FROM auto_src WHERE "
        + "emb[0] < 5");

    List<Row> back = sql("SELECT id, title, emb FROM qsql.db.auto");
    assertThat(back).hasSize(57);
    assertThat(back).extracting(r -> r.getLong(0)).as("generated keys").doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).isPositive());
    List<String> titles = new java.util.ArrayList<>(List.of("values a", "values b"));
    for (int i = 0; i < 50; i++) {
      titles.add("select " + i);
      if (i < 5) {
        titles.add("by name select " + i);
      }
    }
    assertThat(back).extracting(r -> r.getString(1)).containsExactlyInAnyOrderElementsOf(titles);
    assertThat(sql("SELECT emb FROM qsql.db.auto WHERE title = 'values b'").get(0).getList(0))
        .containsExactly(4f, 3f, 2f, 1f);

    long version = catalog.current("db__auto").version();
    assertThatThrownBy(() -> sql("INSERT INTO qsql.db.auto VALUES (42, CAST(array(1, 2, 3, 4) AS ARRAY<FLOAT>), "
        + "'keyed')"))
        .hasStackTraceContaining("Invalid value for field 'id': 42")
        .hasStackTraceContaining("the primary key is auto id and Quiver generates it");
    assertThat(catalog.current("db__auto").version()).as("nothing committed").isEqualTo(version);
    assertThat(count("SELECT count(*) FROM qsql.db.auto")).isEqualTo(57);
    sql("DROP TABLE qsql.db.auto");
  }

  static List<String> rows(String q) {
    return spark.sql(q + " ORDER BY id").collectAsList().stream().map(Row::toString).toList();
  }
}
