package io.quiver.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart as a user runs it: {@code bin/quiver quickstart} (the launcher with its JVM flags, already built by
 * this reactor run) without {@code --exit}, on a free port. Once it says it serves, the official Milvus Java SDK
 * connects, describes and searches the {@code mnist} collection; then the quickstart is stopped by its PID (SIGTERM)
 * and must exit cleanly, with a console free of the JDK's incubator-module warning.
 */
class QuickstartIT {
  static final int ROWS = 600;
  static final String READY = "Serving until Ctrl-C";

  @Test
  void milvusSdkSearchesTheRunningQuickstartThenSigtermStopsIt(@TempDir Path tmp) throws Exception {
    Path root = Path.of(System.getProperty("quiver.examples.dir")).toAbsolutePath().getParent();
    Path launcher = root.resolve("bin/quiver");
    assertThat(launcher).isExecutable();
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "quickstart", "--rows", Integer.toString(ROWS),
        "--port", Integer.toString(port)).directory(tmp.toFile());
    pb.environment().put("QUIVER_SKIP_BUILD", "1"); // this reactor run built examples/target
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("QUIVER_HEAP", "1g");
    pb.environment().put("QUIVER_LOG_DIR", tmp.resolve("logs").toString());
    Process quickstart = pb.start();
    List<String> out = collect(quickstart.getInputStream(), "quickstart-stdout");
    List<String> err = collect(quickstart.getErrorStream(), "quickstart-stderr");
    try {
      await("the quickstart's '" + READY + "' line").atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!quickstart.isAlive()) {
              throw new AssertionError("bin/quiver quickstart exited with " + quickstart.exitValue() + ":\n"
                  + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err));
            }
            return out.stream().anyMatch(l -> l.contains(READY));
          });
      assertThat(out).as("the tour names the port it serves on").anyMatch(l -> l.contains("127.0.0.1:" + port));

      MnistData data = MnistData.load(ROWS);
      MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri("http://127.0.0.1:" + port).build());
      try {
        DescribeCollectionResp d = client.describeCollection(DescribeCollectionReq.builder()
            .collectionName(QuickstartCommand.COLLECTION).build());
        assertThat(d.getCollectionSchema().getField("image").getDataType()).isEqualTo(DataType.FloatVector);
        assertThat(d.getCollectionSchema().getField("image").getDimension()).isEqualTo(784);
        assertThat(d.getFieldNames()).contains("id", "digit", "label");

        // Held-out test digits (never inserted): for most of them at least 3 of the 5 nearest neighbours show the
        // query's own digit. With only 600 digits inserted this held for 14 of 20 in a run here; by chance (10
        // digits) about 0.2 of 20 would pass, so 10 of 20 says the search returns real neighbours.
        int right = 0;
        for (int q = 0; q < 20; q++) {
          SearchResp r = client.search(SearchReq.builder().collectionName(QuickstartCommand.COLLECTION)
              .annsField("image").data(List.of(new FloatVec(data.queries.vector(q)))).topK(5)
              .outputFields(List.of("digit")).consistencyLevel(ConsistencyLevel.STRONG).build());
          List<SearchResp.SearchResult> hits = r.getSearchResults().get(0);
          assertThat(hits).as("hits of query %s", q).hasSize(5);
          int wanted = data.queryLabel(q);
          long same = hits.stream().filter(h -> ((Number) h.getEntity().get("digit")).intValue() == wanted).count();
          right += same >= 3 ? 1 : 0;
        }
        assertThat(right).as("queries whose 5 nearest digits are mostly their own digit, of 20")
            .isGreaterThanOrEqualTo(10);

        // What the tour did is what the SDK sees: id 0 upserted as "relabelled", id 1 deleted.
        QueryResp ids = client.query(QueryReq.builder().collectionName(QuickstartCommand.COLLECTION)
            .filter("id in [0, 1]").outputFields(List.of("label")).consistencyLevel(ConsistencyLevel.STRONG).build());
        assertThat(ids.getQueryResults()).hasSize(1);
        assertThat(ids.getQueryResults().get(0).getEntity()).containsEntry("id", 0L).containsEntry("label",
            "relabelled");
        Object count = client.query(QueryReq.builder().collectionName(QuickstartCommand.COLLECTION)
            .outputFields(List.of("count(*)")).consistencyLevel(ConsistencyLevel.STRONG).build()).getQueryResults()
            .get(0).getEntity().get("count(*)");
        assertThat(count).as("count(*) after one delete").isEqualTo((long) ROWS - 1);
      } finally {
        client.close();
      }

      long pid = quickstart.pid(); // bin/quiver execs java: the launcher's PID is the JVM's
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(pid)).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -TERM %s", pid).isTrue();
      assertThat(quickstart.waitFor(60, TimeUnit.SECONDS)).as("quickstart stopped within 60 s of SIGTERM").isTrue();
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(quickstart.exitValue()).as("exit status; stderr:%n%s", String.join("\n", err)).isIn(0, 143);
      assertThat(err).as("the console (stderr) keeps the JDK's incubator-module line out")
          .noneMatch(l -> l.contains("Using incubator modules"));
      assertThat(err).as("no exception on the console").noneMatch(l -> l.contains("Exception"));
      try (var logs = Files.list(tmp.resolve("logs"))) {
        assertThat(logs.count()).as("files in QUIVER_LOG_DIR").isPositive();
      }
    } finally {
      if (quickstart.isAlive()) {
        quickstart.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static List<String> collect(InputStream in, String name) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(closed: " + e + ")");
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return lines;
  }
}
