package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Catalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filter pushdown and column pruning are visible and effective; bad input fails before anything is committed. */
class PushdownAndValidationIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static Catalog catalog;
  static final String C = "pushdown";

  @BeforeAll
  static void fourSegments() {
    spark = SparkTestSession.get();
    catalog = Warehouses.catalog(dir.toUri().toString(), new HadoopConf(Map.of()));
    catalog.create(C, TestRows.schema(), 1, Map.of(), Map.of());
    for (int s = 0; s < 4; s++) {
      TestRows.df(spark, TestRows.rows(s * 100L, s * 100L + 100, 1)).coalesce(1).write().format("quiver")
          .options(opts()).mode("append").save();
    }
  }

  static Map<String, String> opts() {
    Map<String, String> o = new HashMap<>();
    o.put("warehouse", dir.toUri().toString());
    o.put("collection", C);
    return o;
  }

  static Dataset<Row> read() {
    return spark.read().format("quiver").options(opts()).load();
  }

  @Test
  void explainShowsPushedFiltersAndPrunedColumns_andStatsSkipSegments() {
    Dataset<Row> df = read().filter("id >= 300 AND title LIKE 'doc 31%'").select("id", "title");
    String plan = df.queryExecution().executedPlan().toString();
    assertThat(plan).contains("PushedFilters: [").contains("GreaterThanOrEqual(id,300)")
        .contains("StringStartsWith(title,doc 31)")
        .contains("ReadSchema: struct<id:bigint,title:string>")
        .contains("segments=1 of 4 (3 skipped by stats)");
    List<Long> ids = new ArrayList<>();
    df.collectAsList().forEach(r -> ids.add(r.getLong(0)));
    List<Long> expected = new ArrayList<>();
    TestRows.rows(300, 400, 1).stream().filter(r -> !r.isNullAt(2) && r.getString(2).startsWith("doc 31"))
        .forEach(r -> expected.add(r.getLong(0)));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected).isNotEmpty();
  }

  @Test
  void untranslatableAndInexactFiltersStayWithSpark() {
    Dataset<Row> df = read().filter("score > 100.5 AND year % 7 = 1");
    String plan = df.queryExecution().executedPlan().toString();
    assertThat(plan).contains("GreaterThan(score,100.5)").contains("Filter");
    long expected = TestRows.rows(0, 400, 1).stream()
        .filter(r -> !r.isNullAt(4) && r.getFloat(4) > 100.5f && r.getInt(3) % 7 == 1).count();
    assertThat(df.count()).isEqualTo(expected);
  }

  @Test
  void nullSafeEqualityAndNegationKeepSqlSemantics() {
    long nullTitles = TestRows.rows(0, 400, 1).stream().filter(r -> r.isNullAt(2)).count();
    assertThat(read().filter("NOT (title <=> 'doc 1 v1')").count()).isEqualTo(399);
    assertThat(read().filter("title IS NULL").count()).isEqualTo(nullTitles);
    assertThat(read().filter("NOT (title = 'doc 1 v1')").count()).isEqualTo(399 - nullTitles);
  }

  static void assertRefused(Dataset<Row> df, String... fragments) {
    long before = catalog.current(C).version();
    assertThatThrownBy(() -> df.write().format("quiver").options(opts()).mode("append").save())
        .satisfies(e -> {
          StringBuilder all = new StringBuilder();
          for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
          }
          for (String f : fragments) {
            assertThat(all.toString()).contains(f);
          }
        });
    assertThat(catalog.current(C).version()).as("nothing committed").isEqualTo(before);
  }

  static Dataset<Row> withRow(Row bad) {
    List<Row> rows = new ArrayList<>(TestRows.rows(5000, 5010, 1));
    rows.add(bad);
    return TestRows.df(spark, rows);
  }

  @Test
  void wrongVectorLengthNaNAndNullAreRefusedNamingColumnRowAndReason() {
    assertRefused(withRow(RowFactory.create(6001L, List.of(1f, 2f, 3f), "x", 2000, 1f)),
        "id=6001", "'emb'", "dimension 3 does not match FLOAT_VECTOR(8)");
    List<Float> nan = new ArrayList<>(TestRows.toList(new float[8]));
    nan.set(3, Float.NaN);
    assertRefused(withRow(RowFactory.create(6002L, nan, "x", 2000, 1f)), "id=6002", "'emb'", "element 3 is NaN");
    StructType nullableYear = new StructType().add("id", DataTypes.LongType).add("emb",
        DataTypes.createArrayType(DataTypes.FloatType)).add("year", DataTypes.IntegerType, true);
    assertRefused(spark.createDataFrame(List.of(RowFactory.create(6003L, TestRows.toList(new float[8]), null)),
        nullableYear), "id=6003", "'year'", "not nullable");
  }

  @Test
  void schemaMismatchesFailBeforeAnyTaskRuns() {
    float[] v = new float[8];
    assertRefused(spark.createDataFrame(List.of(RowFactory.create(TestRows.toList(v), 2000)), new StructType()
        .add("emb", DataTypes.createArrayType(DataTypes.FloatType)).add("year", DataTypes.IntegerType)),
        "primary key column 'id' is missing");
    assertRefused(spark.createDataFrame(List.of(RowFactory.create(1L, TestRows.toList(v), 2000, "x")),
        new StructType().add("id", DataTypes.LongType).add("emb", DataTypes.createArrayType(DataTypes.FloatType))
            .add("year", DataTypes.IntegerType).add("colour", DataTypes.StringType)),
        "'colour'", "unknown column");
    assertRefused(spark.createDataFrame(List.of(RowFactory.create(1L, TestRows.toList(v), "2000")),
        new StructType().add("id", DataTypes.LongType).add("emb", DataTypes.createArrayType(DataTypes.FloatType))
            .add("year", DataTypes.StringType)), "'year'", "does not fit INT32");
  }

  @Test
  void unknownOptionsAreRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> spark.read().format("quiver").options(opts()).option("colection", "x").load())
        .hasMessageContaining("Unknown quiver option 'colection'").hasMessageContaining("collection");
  }
}
