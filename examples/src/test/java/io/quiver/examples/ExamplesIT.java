package io.quiver.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import io.quiver.embedded.EmbeddedServers;
import io.quiver.embedded.TempDirs;
import io.quiver.examples.milvus.MilvusExample;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.server.ServingMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the examples users read against real servers: {@link MilvusExample} (a plain MilvusClientV2 program) and the
 * Flink SQL script {@code examples/sql/cdc-upserts.sql} (statement by statement through a TableEnvironment on a Flink
 * MiniCluster), both against one serving node started the way {@code bin/quiver serve --config} starts it, on an
 * embedded ZooKeeper and Kafka broker and a local-folder warehouse. (The Spark example runs with spark-submit and the
 * shaded jar in packaging-it-spark.)
 */
class ExamplesIT {
  static EmbeddedServers servers;
  static QuiverServer node;
  static MilvusClientV2 client;
  static Path warehouse;
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    servers = EmbeddedServers.builder().kafka().zookeeper().start();
    tmp = Files.createTempDirectory("quiver-examples-it");
    warehouse = tmp.resolve("warehouse");
    Path config = tmp.resolve("node.properties");
    Files.writeString(config, String.join("\n", "node.id=examples-it", "port=0", "metrics.port=-1",
        "zookeeper=" + servers.zookeeper().connectString(), "kafka.bootstrap=" + servers.kafka().bootstrapServers(),
        "warehouse=" + warehouse.toUri(), "cache.dir=" + tmp.resolve("cache"), "cache.bytes=268435456"));
    node = QuiverServer.start(ServingMain.parse(config));
    client = new MilvusClientV2(ConnectConfig.builder().uri("http://" + node.address()).build());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
    if (servers != null) {
      servers.close();
    }
    TempDirs.deleteQuietly(tmp);
  }

  @Test
  void milvusClientProgramSeesItsWritesUpsertsAndDeletes() {
    MilvusExample.Result r = MilvusExample.run(client);
    assertThat(r.inserted()).isEqualTo(1_000);
    assertThat(r.nearest()).as("top-5 of the filtered search").hasSize(5);
    assertThat(r.countAfterInsert()).isEqualTo(1_000);
    assertThat(r.titleAfterUpsert()).isEqualTo("The Answer, 2nd edition");
    assertThat(r.countAfterDelete()).isEqualTo(998);
    assertThat(r.deletedStillFound()).as("deleted ids a STRONG query still finds").isEmpty();
  }

  @Test
  void flinkSqlScriptUpsertsADebeziumChangelog() throws Exception {
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("embedding").dataType(DataType.FloatVector).dimension(4).build());
    schema.addField(AddFieldReq.builder().fieldName("name").dataType(DataType.VarChar).maxLength(64).isNullable(true)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("price").dataType(DataType.Double).isNullable(true).build());
    client.createCollection(CreateCollectionReq.builder().collectionName("products").collectionSchema(schema)
        .numShards(2).build());
    client.createIndex(CreateIndexReq.builder().collectionName("products").indexParams(List.of(IndexParam.builder()
        .fieldName("embedding").indexType(IndexParam.IndexType.FLAT).metricType(IndexParam.MetricType.L2).build()))
        .build());
    client.loadCollection(LoadCollectionReq.builder().collectionName("products").build());

    // A Debezium changelog: five creates, an update of 2, a delete of 3, a create and an update of 6.
    servers.kafka().createTopic("products.cdc", 1);
    List<String> events = List.of(create(1, "one", 1.0), create(2, "two", 2.0), create(3, "three", 3.0),
        create(4, "four", 4.0), create(5, "five", 5.0), update(2, "two", 2.0, "two v2", 2.5), delete(3, "three", 3.0),
        create(6, "six", 6.0), update(6, "six", 6.0, "six v2", 6.5));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        servers.kafka().bootstrapServers(), "key.serializer", StringSerializer.class.getName(), "value.serializer",
        StringSerializer.class.getName()))) {
      for (String e : events) {
        producer.send(new ProducerRecord<>("products.cdc", e)).get(30, TimeUnit.SECONDS);
      }
    }

    String script = Files.readString(Path.of(System.getProperty("quiver.examples.dir", "."), "sql", "cdc-upserts.sql"))
        .replace("${bootstrap}", servers.kafka().bootstrapServers()).replace("${warehouse}", warehouse.toUri().toString())
        .replace("${zookeeper}", servers.zookeeper().connectString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, Configuration.fromMap(Map.of(
        "rest.bind-address", "127.0.0.1", "taskmanager.host", "127.0.0.1", "taskmanager.memory.managed.size", "64m")));
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
    TableResult last = null;
    for (String statement : statements(script)) {
      last = tEnv.executeSql(statement);
    }
    assertThat(last).as("the script's INSERT").isNotNull();
    last.await(3, TimeUnit.MINUTES);

    Map<Long, List<Object>> rows = new TreeMap<>();
    for (QueryResp.QueryResult r : client.query(QueryReq.builder().collectionName("products").filter("id >= 0")
        .outputFields(List.of("name", "price")).consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults()) {
      rows.put((Long) r.getEntity().get("id"), List.of(r.getEntity().get("name"), r.getEntity().get("price")));
    }
    assertThat(rows).containsOnlyKeys(1L, 2L, 4L, 5L, 6L);
    assertThat(rows.get(2L)).containsExactly("two v2", 2.5);
    assertThat(rows.get(6L)).containsExactly("six v2", 6.5);
    assertThat(rows.get(1L)).containsExactly("one", 1.0);
  }

  /** The script's statements: comment lines dropped, split at a ';' that ends a line. */
  static List<String> statements(String script) {
    StringBuilder body = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.trim().startsWith("--")) {
        body.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String s : body.toString().split(";\\s*\n")) {
      if (!s.isBlank()) {
        out.add(s.trim().replaceAll(";$", ""));
      }
    }
    return out;
  }

  static String row(long id, String name, double price) {
    return "{\"id\":" + id + ",\"embedding\":[" + id + ".0,0.5,0.25," + (id % 2) + ".0],\"name\":\"" + name
        + "\",\"price\":" + price + "}";
  }

  static String create(long id, String name, double price) {
    return "{\"before\":null,\"after\":" + row(id, name, price) + ",\"op\":\"c\"}";
  }

  static String update(long id, String name, double price, String newName, double newPrice) {
    return "{\"before\":" + row(id, name, price) + ",\"after\":" + row(id, newName, newPrice) + ",\"op\":\"u\"}";
  }

  static String delete(long id, String name, double price) {
    return "{\"before\":" + row(id, name, price) + ",\"after\":null,\"op\":\"d\"}";
  }
}
