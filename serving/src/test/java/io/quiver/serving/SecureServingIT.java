package io.quiver.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.quiver.embedded.TempDirs;
import io.quiver.serving.server.QuiverServer;
import io.quiver.serving.tools.LocalSealer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A serving node with TLS (a self-signed certificate made here with the JDK's keytool), token authentication
 * (Milvus's {@code authorization} metadata) and the Prometheus endpoint, driven by the official Java SDK: the right
 * token over TLS works end to end (also the node-to-node call, which uses the same certificate and token), a wrong
 * or missing token is a Milvus error status, a plaintext client gets nowhere, and the scraped metrics name query
 * latency histograms, cache hit ratio and per-shard tail lag, with counts that move.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureServingIT {
  static final String C = "secure";
  static final String TOKEN = "root:Milvus-secret";
  static final int DIM = 4;
  static ServingCluster cluster;
  static QuiverServer node;
  static Path cert;
  static Path certDir;
  static MilvusClientV2 client;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("quiver-tls-it");
    certDir = dir;
    Path[] pem = selfSigned(dir);
    cert = pem[0];
    cluster = new ServingCluster(0, 1, 1);
    node = QuiverServer.start(cluster.config("sec0", 1, 0, TOKEN, pem[0], pem[1], 5_000));
    cluster.nodes.add(node);
    client = new MilvusClientV2(secure().username("root").password("Milvus-secret").build());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    TempDirs.deleteQuietly(certDir);
  }

  static ConnectConfig.ConnectConfigBuilder secure() {
    return ConnectConfig.builder().uri("https://127.0.0.1:" + node.port()).serverPemPath(cert.toString())
        .serverName("localhost")
        .connectTimeoutMs(30_000).rpcDeadlineMs(60_000); // TLS handshakes of a cold JVM on a loaded machine
  }

  /** [certificate PEM, PKCS#8 private key PEM] for CN=localhost with 127.0.0.1 and localhost as alternative names. */
  static Path[] selfSigned(Path dir) throws Exception {
    Path ks = dir.resolve("node.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore",
        ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished: %s", out).isTrue();
    assertThat(p.exitValue()).as("keytool: %s", out).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey("node", "changeit".toCharArray());
    Certificate c = store.getCertificate("node");
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    Path certPem = dir.resolve("node.crt");
    Path keyPem = dir.resolve("node.key");
    Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    return new Path[] {certPem, keyPem};
  }

  /** Runs {@code f} with a client of {@code config} and closes it. */
  static <T> T withClient(ConnectConfig config, java.util.function.Function<MilvusClientV2, T> f) {
    MilvusClientV2 c = new MilvusClientV2(config);
    try {
      return f.apply(c);
    } finally {
      c.close();
    }
  }

  static String scrape() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.metricsPort()
        + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The value of the sample {@code name{labels}} in a scrape, or -1 when absent. */
  static double sample(String body, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  static float[] vector(long id) {
    return SdkRows.vec(new Random(id), DIM);
  }

  @Test
  @Order(1)
  void theRightTokenOverTlsWorksEndToEnd() {
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).build());
    schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(C).collectionSchema(schema).numShards(2)
        .build());
    client.createIndex(CreateIndexReq.builder().collectionName(C).indexParams(List.of(IndexParam.builder()
        .fieldName("vec").indexType(IndexParam.IndexType.FLAT).metricType(IndexParam.MetricType.L2).build()))
        .build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(C).build());
    List<JsonObject> rows = new ArrayList<>();
    for (long id = 0; id < 200; id++) {
      rows.add(SdkRows.row(id, vector(id)));
    }
    assertThat(client.insert(InsertReq.builder().collectionName(C).data(rows).build()).getInsertCnt()).isEqualTo(200);
    // an API-key style client (token) works too
    withClient(secure().token(TOKEN).build(), apiKey -> {
      for (long id : new long[] {3, 77, 150}) {
        SearchResp s = apiKey.search(SearchReq.builder().collectionName(C).annsField("vec")
            .data(List.of(new FloatVec(vector(id)))).topK(3).consistencyLevel(ConsistencyLevel.STRONG).build());
        assertThat(s.getSearchResults().get(0).get(0).getId()).as("a row's own vector finds it first (FLAT)")
            .isEqualTo(id);
      }
      return null;
    });
  }

  @Test
  @Order(2)
  void aWrongOrMissingTokenIsAMilvusErrorAndHarmsNothing() {
    assertThatThrownBy(() -> withClient(secure().username("root").password("wrong").build(),
        MilvusClientV2::listCollections)).hasMessageContaining("wrong authorization token");
    assertThatThrownBy(() -> withClient(secure().build(), MilvusClientV2::listCollections))
        .hasMessageContaining("missing authorization token");
    assertThat(client.listCollections().getCollectionNames()).as("the server unharmed").contains(C);
  }

  @Test
  @Order(3)
  void aPlaintextClientGetsNowhere() {
    assertThatThrownBy(() -> withClient(ConnectConfig.builder().uri("http://127.0.0.1:" + node.port()).token(TOKEN)
        .connectTimeoutMs(3_000).rpcDeadlineMs(3_000).build(), MilvusClientV2::listCollections))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  @Order(4)
  void metricsNameLatencyCacheAndTailLagAndCountsMove() throws Exception {
    String before = scrape();
    assertThat(before).contains("# TYPE quiver_query_latency_seconds histogram", "quiver_cache_hit_ratio",
        "quiver_tail_lag_offsets", "quiver_writes_total");
    // The registry is the JVM's (IT classes share a JVM), so counts are compared before and after this test's calls.
    double searches = Math.max(0, sample(before, "quiver_query_latency_seconds_count", "kind=\"search\""));
    double searchCalls = Math.max(0, sample(before, "quiver_grpc_server_call_seconds_count",
        "method=\"MilvusService/Search\""));
    assertThat(sample(before, "quiver_writes_total", "op=\"insert\"")).as("the 200 inserted rows counted")
        .isGreaterThanOrEqualTo(200);
    double upserts = Math.max(0, sample(before, "quiver_writes_total", "op=\"upsert\""));
    client.upsert(UpsertReq.builder().collectionName(C).data(List.of(SdkRows.row(0, vector(0)), SdkRows.row(1,
        vector(1)))).build()); // the same values: the collection's content does not change
    assertThat(sample(scrape(), "quiver_writes_total", "op=\"upsert\"")).as("upserted rows counted")
        .isEqualTo(upserts + 2);
    for (int i = 0; i < 5; i++) {
      client.search(SearchReq.builder().collectionName(C).annsField("vec").data(List.of(new FloatVec(vector(i))))
          .topK(3).build());
    }
    String after = scrape();
    assertThat(sample(after, "quiver_query_latency_seconds_count", "kind=\"search\"")).as("searches counted")
        .isEqualTo(searches + 5);
    assertThat(sample(after, "quiver_query_latency_seconds_bucket", "kind=\"search\",le=\"+Inf\""))
        .isEqualTo(searches + 5);
    // the gRPC calls are timed too, once their streams close (just after the client has its answers)
    await().atMost(Duration.ofSeconds(10)).until(() -> sample(scrape(), "quiver_grpc_server_call_seconds_count",
        "method=\"MilvusService/Search\"") == searchCalls + 5);
    // tail lag per shard: 0 once the tails have read everything
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      String b = scrape();
      return sample(b, "quiver_tail_lag_offsets", "node=\"sec0\",shard=\"secure/0\"") == 0
          && sample(b, "quiver_tail_lag_offsets", "node=\"sec0\",shard=\"secure/1\"") == 0;
    });
    // sealing makes the node fetch segments through its cache: misses first, so the ratio leaves 1.0
    long v = LocalSealer.seal(cluster.admin().catalog(), C, cluster.kafka.bootstrapServers()).version();
    await().atMost(Duration.ofSeconds(30)).until(() -> node.node().minManifestVersion(C) >= v);
    double ratio = sample(scrape(), "quiver_cache_hit_ratio", "node=\"sec0\"");
    assertThat(ratio).as("cache hit ratio after the first segment loads").isGreaterThanOrEqualTo(0).isLessThan(1);
  }
}
