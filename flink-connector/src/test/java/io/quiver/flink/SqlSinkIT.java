package io.quiver.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.embedded.EmbeddedKafka;
import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.Row;
import io.quiver.flink.verify.LiveRows;
import io.quiver.wal.WalTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Flink SQL: {@code INSERT INTO} a quiver table from a changelog with updates and deletes; planning-time checks. */
@QuiverServers(kafka = true, s3 = true)
class SqlSinkIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestSupport.miniCluster();
  private static final String COLLECTION = "sql_docs";

  @BeforeAll
  static void createCollection(EmbeddedKafka kafka, EmbeddedS3 s3) {
    Catalog.open(s3.warehouseUri("wh"), s3.hadoopProperties()).create(COLLECTION, Workload.SCHEMA, 2, Map.of(),
        Map.of());
    WalTopics.ensureTopics(Map.of("bootstrap.servers", kafka.bootstrapServers()), COLLECTION, 2);
  }

  private static String ddl(String table, String columns, EmbeddedKafka kafka, EmbeddedS3 s3, String extra) {
    String hadoop = s3.hadoopProperties().entrySet().stream()
        .map(e -> "'hadoop." + e.getKey() + "' = '" + e.getValue() + "'").collect(Collectors.joining(", "));
    return "CREATE TABLE " + table + " (" + columns + ") WITH ('connector' = 'quiver', 'collection' = '"
        + COLLECTION + "', 'bootstrap.servers' = '" + kafka.bootstrapServers() + "', 'warehouse' = '"
        + s3.warehouseUri("wh") + "', " + hadoop + extra + ")";
  }

  private static float[] vec(float x) {
    float[] v = new float[Workload.DIM];
    java.util.Arrays.fill(v, x);
    return v;
  }

  @Test
  void upsertsUpdatesAndDeletesFromAChangelogStream(EmbeddedKafka kafka, EmbeddedS3 s3) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
    List<org.apache.flink.types.Row> changes = new ArrayList<>();
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.INSERT, 1L, vec(1), "one"));
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.INSERT, 2L, vec(2), "two"));
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.INSERT, 3L, vec(3), "three"));
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.UPDATE_BEFORE, 2L, vec(2), "two"));
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.UPDATE_AFTER, 2L, vec(22), "two v2"));
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.DELETE, 3L, vec(3), "three"));
    changes.add(org.apache.flink.types.Row.ofKind(RowKind.INSERT, 4L, vec(4), null));
    DataStream<org.apache.flink.types.Row> stream = env.fromData(changes)
        .returns(Types.ROW_NAMED(new String[] {"id", "emb", "tag"}, Types.LONG, Types.PRIMITIVE_ARRAY(Types.FLOAT),
            Types.STRING));
    Table source = tEnv.fromChangelogStream(stream, Schema.newBuilder().primaryKey("id").build(),
        ChangelogMode.all());
    tEnv.createTemporaryView("changes", source);
    tEnv.executeSql(ddl("docs", "id BIGINT NOT NULL, emb ARRAY<FLOAT NOT NULL>, tag STRING, "
        + "PRIMARY KEY (id) NOT ENFORCED", kafka, s3, ", 'fields.emb.dim' = '8'"));
    tEnv.executeSql("INSERT INTO docs SELECT id, emb, tag FROM changes").await(2, java.util.concurrent.TimeUnit.MINUTES);

    IngestionOptions options = FlinkTestSupport.options(COLLECTION, s3, kafka.bootstrapServers())
        .sealAge(Duration.ofSeconds(1)).build();
    Catalog catalog = Catalog.open(options.warehouse(), options.hadoopProperties());
    JobClient job = FlinkTestSupport.submit(options, 1, new Configuration());
    try {
      Manifest m = Workload.awaitCaughtUp(catalog, COLLECTION, kafka.bootstrapServers(), Duration.ofMinutes(2));
      Map<Object, Row> live = LiveRows.read(catalog, m).rows();
      assertThat(live.keySet()).containsExactlyInAnyOrder(1L, 2L, 4L);
      assertThat(live.get(2L).get(2)).isEqualTo("two v2");
      assertThat((float[]) live.get(2L).get(1)).isEqualTo(vec(22));
      assertThat(live.get(4L).get(2)).isNull();
    } finally {
      FlinkTestSupport.cancel(job);
    }
  }

  @Test
  void refusesBadTablesAtPlanningNamingTheColumn(EmbeddedKafka kafka, EmbeddedS3 s3) {
    Map<Integer, Long> before = Workload.endOffsets(kafka.bootstrapServers(), COLLECTION, 2);
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    String ok = "id BIGINT NOT NULL, emb ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED";
    tEnv.executeSql(ddl("wrong_dim", ok, kafka, s3, ", 'fields.emb.dim' = '4'"));
    assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO wrong_dim VALUES (1, ARRAY[CAST(1 AS FLOAT)])"))
        .isInstanceOf(ValidationException.class).rootCause()
        .hasMessageContaining("vector column 'emb'").hasMessageContaining("dimension 4")
        .hasMessageContaining("FLOAT_VECTOR(8)");
    tEnv.executeSql(ddl("extra_col", ok.replace("emb ARRAY<FLOAT>", "emb ARRAY<FLOAT>, color STRING"), kafka, s3,
        ""));
    assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO extra_col VALUES (1, ARRAY[CAST(1 AS FLOAT)], 'red')"))
        .rootCause().hasMessageContaining("column 'color' is not a field of the collection");
    tEnv.executeSql(ddl("wrong_type", ok.replace("emb ARRAY<FLOAT>", "emb ARRAY<FLOAT>, n INT"), kafka, s3, ""));
    assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO wrong_type VALUES (1, ARRAY[CAST(1 AS FLOAT)], 5)"))
        .rootCause().hasMessageContaining("column 'n' has type INT").hasMessageContaining("INT64");
    tEnv.executeSql(ddl("unknown_opt", ok, kafka, s3, ", 'colection' = 'x'"));
    assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO unknown_opt VALUES (1, ARRAY[CAST(1 AS FLOAT)])"))
        .rootCause().hasMessageContaining("colection");
    assertThat(Workload.endOffsets(kafka.bootstrapServers(), COLLECTION, 2)).as("nothing written to the WAL")
        .isEqualTo(before);
  }
}
