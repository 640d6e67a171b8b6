package io.quiver.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
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
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.quiver.embedded.EmbeddedServers;
import io.quiver.embedded.TempDirs;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The two artifacts an operator deploys, used as an operator would, with no Quiver class on this JVM's classpath:
 * the serving tarball is unpacked and its {@code bin/quiver-serving} started against an embedded ZooKeeper, Kafka
 * broker and S3 server; the official Milvus SDK creates a collection on it and inserts rows (into the Kafka WAL);
 * the Flink job jar is then submitted the way {@code flink run} does (PackagedProgram → JobGraph with the jar
 * attached → a MiniCluster, where the job runs in Flink's child-first user-code class loader) and seals the WAL into
 * segments on S3; the node serves the sealed rows; finally the node is stopped by its PID. The job jar carries no
 * Hadoop: this JVM's Hadoop + S3A stand for the cluster's {@code HADOOP_CLASSPATH}; what it bundles is relocated
 * except an allow-list, checked class by class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
  static final String COLLECTION = "docs";
  static final int DIM = 8;
  static final int ROWS = 500;
  static final String WAREHOUSE_PATH = "warehouse";
  static final Pattern LISTENING = Pattern.compile("serves the Milvus API on ([0-9.]+):(\\d+)(, metrics on (\\S+))?");

  static EmbeddedServers servers;
  static Path home;
  /** Where the tarball was unpacked: deleted after the class. */
  static Path unpacked;
  static Process node;
  static final List<String> nodeOutput = new CopyOnWriteArrayList<>();
  static String milvusUri;
  static String metricsUrl;
  static MilvusClientV2 client;
  static MiniCluster flink;
  static final List<float[]> vectors = new ArrayList<>();

  static Path file(String property) {
    String v = System.getProperty(property);
    assertThat(v).as("system property %s (set by the packaging-it pom)", property).isNotBlank();
    Path p = Path.of(v);
    assertThat(p).as("%s: build the module that makes it in the same reactor run", property).isRegularFile();
    return p;
  }

  @BeforeAll
  static void start() throws Exception {
    servers = EmbeddedServers.builder().kafka().zookeeper().s3().start();
    Path tmp = Files.createTempDirectory("quiver-dist-it");
    unpacked = tmp;
    Process untar = new ProcessBuilder("tar", "-xzf", file("quiver.serving.tarball").toString(), "-C", tmp.toString())
        .inheritIO().start();
    assertThat(untar.waitFor(60, TimeUnit.SECONDS) && untar.exitValue() == 0).as("tar -xzf the tarball").isTrue();
    try (Stream<Path> s = Files.list(tmp)) {
      home = s.filter(p -> p.getFileName().toString().startsWith("quiver-serving-")).findFirst().orElseThrow();
    }
    // The shipped example config, with this test's servers appended (later keys win in a properties file).
    StringBuilder conf = new StringBuilder(Files.readString(home.resolve("conf/node.properties")));
    conf.append("\n# DistributionIT\nnode.id=dist-it\nport=0\nmetrics.port=0\n")
        .append("zookeeper=").append(servers.zookeeper().connectString()).append('\n')
        .append("kafka.bootstrap=").append(servers.kafka().bootstrapServers()).append('\n')
        .append("warehouse=").append(servers.s3().warehouseUri(WAREHOUSE_PATH)).append('\n')
        .append("cache.dir=").append(tmp.resolve("cache")).append("\ncache.bytes=1073741824\n")
        .append("hadoop.quiver.catalog.zookeeper=").append(servers.zookeeper().connectString()).append('\n');
    servers.s3().hadoopProperties().forEach((k, v) -> conf.append("hadoop.").append(k).append('=').append(v)
        .append('\n'));
    Path config = tmp.resolve("it-node.properties");
    Files.writeString(config, conf.toString());

    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/quiver-serving").toString(), "--config",
        config.toString()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("QUIVER_HEAP", "768m");
    pb.environment().put("QUIVER_LOG_DIR", tmp.resolve("logs").toString());
    node = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          nodeOutput.add(line);
        }
      } catch (java.io.IOException e) {
        nodeOutput.add("(output closed: " + e + ")");
      }
    }, "quiver-serving-output");
    reader.setDaemon(true);
    reader.start();
    await("the node's 'serves the Milvus API' line").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          if (!node.isAlive()) {
            throw new AssertionError("bin/quiver-serving exited with " + node.exitValue() + ":\n" + output());
          }
          return nodeOutput.stream().anyMatch(l -> LISTENING.matcher(l).find());
        });
    Matcher m = nodeOutput.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow();
    milvusUri = "http://" + m.group(1) + ":" + m.group(2);
    metricsUrl = m.group(4);
    client = new MilvusClientV2(ConnectConfig.builder().uri(milvusUri).build());
  }

  static String output() {
    return String.join("\n", nodeOutput);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (flink != null) {
      flink.close();
    }
    if (node != null && node.isAlive()) {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (servers != null) {
      servers.close();
    }
    TempDirs.deleteQuietly(unpacked);
  }

  /**
   * What the job jar may carry without relocating it: Quiver and what it relocated, the Kafka connector with
   * kafka-clients and its compression codecs (native libraries found by package name), jvector and agrona. Anything
   * else unrelocated could be swapped under Quiver by Flink's lib/, a format jar or another user jar.
   */
  static final List<String> UNRELOCATED_ALLOWED = List.of("io/quiver/", "org/apache/flink/connector/kafka/",
      "org/apache/flink/streaming/connectors/kafka/", "org/apache/flink/streaming/util/serialization/",
      "org/apache/kafka/", "net/jpountz/", "com/github/luben/zstd/",
      "org/xerial/snappy/", "io/github/jbellis/jvector/", "org/agrona/");

  @Test
  @Order(0)
  void flinkJobJarBundlesNothingUnrelocatedButItsAllowList() throws Exception {
    Set<String> packages = new TreeSet<>();
    Set<String> classes = new TreeSet<>();
    Map<String, List<String>> services = new java.util.TreeMap<>();
    try (JarFile jar = new JarFile(file("quiver.flink.job.jar").toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).as("Multi-Release (jvector SIMD)")
          .isEqualTo("true");
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        String n = e.getName();
        if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
          String c = n.replaceFirst("^META-INF/versions/\\d+/", "");
          classes.add(c);
          packages.add(c.substring(0, c.lastIndexOf('/') + 1));
        } else if (n.startsWith("META-INF/services/") && !e.isDirectory()) {
          try (InputStream in = jar.getInputStream(e)) {
            services.put(n.substring("META-INF/services/".length()), new String(in.readAllBytes(),
                StandardCharsets.UTF_8).lines().map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty())
                .collect(Collectors.toList()));
          }
        }
      }
    }
    assertThat(packages).as("unrelocated packages outside the allow-list %s", UNRELOCATED_ALLOWED)
        .allMatch(p -> UNRELOCATED_ALLOWED.stream().anyMatch(p::startsWith));
    for (String provided : List.of("org/apache/hadoop/", "software/amazon/", "org/apache/flink/api/", "org/slf4j/",
        "org/apache/logging/", "io/quiver/shaded/org/apache/hadoop/")) {
      assertThat(packages).as("classes under %s (provided by Flink or the platform)", provided)
          .noneMatch(p -> p.startsWith(provided));
    }
    for (String relocated : List.of("com/fasterxml/jackson/databind/", "com/google/common/collect/",
        "org/apache/avro/", "org/apache/parquet/hadoop/", "org/apache/arrow/vector/", "org/roaringbitmap/",
        "org/apache/curator/framework/", "org/apache/zookeeper/")) {
      assertThat(packages).as("%s relocated under io/quiver/shaded/", relocated)
          .anyMatch(p -> p.startsWith("io/quiver/shaded/" + relocated));
    }
    assertThat(services).as("service files").containsKey("org.apache.flink.table.factories.Factory");
    assertThat(services.get("org.apache.flink.table.factories.Factory"))
        .contains("io.quiver.flink.table.QuiverDynamicTableFactory");
    // Every service implementation a file names is in the jar under that (relocated) name.
    services.forEach((service, impls) -> assertThat(impls).as("implementations of %s", service)
        .allMatch(i -> classes.contains(i.replace('.', '/') + ".class")));
  }

  @Test
  @Order(1)
  void tarballHasBinConfAndLibOfTheServingModuleOnly() throws Exception {
    assertThat(home.resolve("bin/quiver-serving")).isExecutable();
    String jvmOptions = Files.readString(home.resolve("conf/jvm.options"));
    assertThat(jvmOptions).as("conf/jvm.options carries the root pom's quiver.jvm.flags")
        .contains("--add-opens=java.base/java.nio=ALL-UNNAMED").doesNotContain("${");
    assertThat(jvmOptions).as("conf/jvm.options carries the root pom's quiver.serving.jvm.flags")
        .contains("-XX:CompilerThreadPriority=");
    assertThat(home.resolve("conf/log4j2.xml")).isRegularFile();
    List<String> lib;
    try (Stream<Path> s = Files.list(home.resolve("lib"))) {
      lib = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
    assertThat(lib).anyMatch(n -> n.startsWith("quiver-serving-")).anyMatch(n -> n.startsWith("quiver-engine-"))
        .anyMatch(n -> n.startsWith("log4j-slf4j2-impl-"))
        .noneMatch(n -> n.startsWith("spark-") || n.startsWith("flink-") || n.startsWith("quiver-examples"));
  }

  @Test
  @Order(2)
  void nodeFromBinServesTheMilvusApi() throws Exception {
    assertThat(metricsUrl).as("metrics URL in the node's output:%n%s", output()).isNotNull();
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUrl))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).as("GET %s", metricsUrl).isEqualTo(200);

    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
    schema.addField(AddFieldReq.builder().fieldName("id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false)
        .build());
    schema.addField(AddFieldReq.builder().fieldName("vec").dataType(DataType.FloatVector).dimension(DIM).build());
    schema.addField(AddFieldReq.builder().fieldName("tag").dataType(DataType.VarChar).maxLength(16).build());
    client.createCollection(CreateCollectionReq.builder().collectionName(COLLECTION).collectionSchema(schema)
        .numShards(2).build());
    client.createIndex(CreateIndexReq.builder().collectionName(COLLECTION).indexParams(List.of(IndexParam.builder()
        .fieldName("vec").indexType(IndexParam.IndexType.FLAT).metricType(IndexParam.MetricType.L2).build())).build());
    client.loadCollection(LoadCollectionReq.builder().collectionName(COLLECTION).build());

    Random r = new Random(11);
    List<JsonObject> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      float[] v = new float[DIM];
      JsonArray a = new JsonArray();
      for (int i = 0; i < DIM; i++) {
        v[i] = r.nextFloat();
        a.add(v[i]);
      }
      vectors.add(v);
      JsonObject o = new JsonObject();
      o.addProperty("id", id);
      o.add("vec", a);
      o.addProperty("tag", id % 2 == 0 ? "even" : "odd");
      rows.add(o);
    }
    assertThat(client.insert(InsertReq.builder().collectionName(COLLECTION).data(rows).build()).getInsertCnt())
        .isEqualTo(ROWS);
    assertSearchAndCount("right after the insert (WAL tail)");
  }

  @Test
  @Order(3)
  void flinkJobJarSealsTheWalIntoSegmentsTheNodeServes() throws Exception {
    Configuration conf = Configuration.fromMap(Map.of("rest.bind-address", "127.0.0.1", "rest.address", "127.0.0.1",
        "rest.port", "0", "taskmanager.host", "127.0.0.1", "jobmanager.bind-host", "127.0.0.1",
        "taskmanager.bind-host", "127.0.0.1", "taskmanager.memory.managed.size", "128m"));
    flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf).setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(2).build());
    flink.start();
    List<String> args = new ArrayList<>(List.of("--warehouse", servers.s3().warehouseUri(WAREHOUSE_PATH),
        "--bootstrap-servers", servers.kafka().bootstrapServers(), "--collection", COLLECTION,
        "--checkpoint-interval", "1s", "--seal-age", "1s",
        "--hadoop.quiver.catalog.zookeeper=" + servers.zookeeper().connectString()));
    servers.s3().hadoopProperties().forEach((k, v) -> args.add("--hadoop." + k + "=" + v));
    // As `flink run` does: the jar's main builds the pipeline inside the jar's user-code class loader
    // (child-first), and the job graph carries the jar to the cluster.
    PackagedProgram program = PackagedProgram.newBuilder().setJarFile(file("quiver.flink.job.jar").toFile())
        .setArguments(args.toArray(String[]::new)).setConfiguration(conf).build();
    JobGraph graph = PackagedProgramUtils.createJobGraph(program, conf, 1, false);
    assertThat(graph.getUserJars()).as("the job jar travels with the job graph").isNotEmpty();
    JobID job = flink.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();

    try (S3Client s3 = S3Client.builder().endpointOverride(servers.s3().endpoint()).region(Region.US_EAST_1)
        .forcePathStyle(true).httpClientBuilder(ApacheHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(servers.s3().accessKey(),
            servers.s3().secretKey()))).build()) {
      String prefix = WAREHOUSE_PATH + "/" + COLLECTION + "/";
      await("segments sealed by the job jar on S3").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            JobStatus status = flink.getJobStatus(job).get(10, TimeUnit.SECONDS);
            assertThat(status).as("job status").isIn(JobStatus.CREATED, JobStatus.INITIALIZING, JobStatus.RUNNING,
                JobStatus.RESTARTING);
            List<String> keys = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(servers.s3().bucket()).prefix(prefix).build()).contents().stream().map(S3Object::key)
                .collect(Collectors.toList());
            return keys.stream().anyMatch(k -> k.startsWith(prefix + "segments/") && k.endsWith("/data.parquet"));
          });
    }
    // The node loads the committed segments (its tail hands the rows over): every row still answers once.
    await("the node serves the sealed rows").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertSearchAndCount("after the Flink job sealed the WAL"));
    flink.cancelJob(job).get(60, TimeUnit.SECONDS);
  }

  @Test
  @Order(4)
  void nodeStopsOnSigtermToItsPid() throws Exception {
    long pid = node.pid();
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -TERM %s", pid).isTrue();
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node %s stopped within 60 s after SIGTERM", pid).isTrue();
    // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (graceful close) and exited on the signal.
    assertThat(node.exitValue()).as("exit status; output:%n%s", output()).isIn(0, 143);
  }

  static void assertSearchAndCount(String when) {
    for (int q : new int[] {3, 250, 499}) {
      SearchResp s = client.search(SearchReq.builder().collectionName(COLLECTION).annsField("vec")
          .data(List.of(new FloatVec(vectors.get(q)))).topK(3).outputFields(List.of("tag"))
          .consistencyLevel(ConsistencyLevel.STRONG).build());
      SearchResp.SearchResult top = s.getSearchResults().get(0).get(0);
      assertThat(top.getId()).as("%s: exact (FLAT) top-1 of row %s's own vector", when, q).isEqualTo((long) q);
      assertThat(top.getEntity().get("tag")).isEqualTo(q % 2 == 0 ? "even" : "odd");
    }
    Object count = client.query(QueryReq.builder().collectionName(COLLECTION).outputFields(List.of("count(*)"))
        .consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults().get(0).getEntity().get("count(*)");
    assertThat(count).as("%s: count(*)", when).isEqualTo((long) ROWS);
  }
}
