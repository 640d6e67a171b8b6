package io.quiver.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded spark-datasource jar as a Spark user gets it: {@code spark-submit --jars <shaded jar> --class
 * io.quiver.examples.spark.SparkExample <examples jar>} in a child JVM whose classpath is Spark's own jars and
 * nothing else (no Quiver module, no test library). The example bulk-loads Parquet, reindexes with jvector and
 * runs a kNN join; a missing class, a clash with Spark's RoaringBitmap/Jackson/Parquet/Arrow or a broken service
 * file fails here.
 */
class SparkShadedJarIT {
  private static final long TIMEOUT_MINUTES = 6;

  static Path file(String property) {
    String v = System.getProperty(property);
    assertThat(v).as("system property %s (set by the packaging-it-spark pom)", property).isNotBlank();
    Path p = Path.of(v);
    assertThat(p).as("%s: build the module that makes it in the same reactor run", property).isRegularFile();
    return p;
  }

  @Test
  void shadedJarHoldsQuiverAndRelocatesWhatSparkShipsInOtherVersions() throws IOException {
    Set<String> tops = new TreeSet<>();
    boolean services;
    try (JarFile jar = new JarFile(file("quiver.spark.jar").toFile())) {
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        String n = e.getName();
        if (n.endsWith(".class") && !n.startsWith("META-INF/")) {
          tops.add(n.substring(0, n.lastIndexOf('/') + 1)); // the package directory
        }
      }
      services = jar.getEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister") != null;
      assertThat(jar.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
    }
    assertThat(services).as("DataSourceRegister service file").isTrue();
    for (String wanted : List.of("io/quiver/spark/", "io/quiver/engine/", "io/quiver/coordinator/",
        "io/quiver/shaded/org/roaringbitmap/", "io/quiver/shaded/org/apache/kafka/",
        "io/github/jbellis/jvector/", "org/apache/parquet/avro/" /* neither is in Spark's jars */)) {
      assertThat(tops).as("packages under %s", wanted).anyMatch(t -> t.startsWith(wanted));
    }
    // What Spark brings itself must not be in the jar, and what it has in other versions must be relocated.
    for (String banned : List.of("org/apache/spark/", "scala/", "org/apache/hadoop/", "com/fasterxml/jackson",
        "org/apache/avro", "org/apache/arrow/vector", "org/apache/curator", "org/apache/zookeeper", "org/slf4j",
        "org/roaringbitmap", "org/apache/kafka", "com/google/protobuf",
        "com/google/common")) {
      assertThat(tops).as("classes under %s", banned).noneMatch(t -> t.startsWith(banned));
    }
  }

  @Test
  void exampleJobRunsWithSparkSubmitAndOnlySparksJars(@TempDir Path tmp) throws Exception {
    List<String> sparkClasspath = Arrays.asList(Files.readString(file("quiver.spark.classpath.file")).trim()
        .split(File.pathSeparator));
    assertThat(sparkClasspath).as("Spark's classpath").anyMatch(p -> p.contains("spark-sql_"))
        .noneMatch(p -> p.contains("quiver-"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(Arrays.asList(System.getProperty("quiver.jvm.flags").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, sparkClasspath), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=2",
        "--jars", file("quiver.spark.jar").toString(), "--class", "io.quiver.examples.spark.SparkExample",
        file("quiver.examples.jar").toString(), tmp.resolve("warehouse").toString(), "3000", "16"));
    Path log = tmp.resolve("spark-submit.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(tmp.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(done).as("spark-submit finished within %s minutes; output:%n%s", TIMEOUT_MINUTES, tail(out)).isTrue();
    assertThat(p.exitValue()).as("spark-submit exit code; output:%n%s", tail(out)).isZero();
    Matcher m = Pattern.compile("SparkExample OK: loaded (\\d+) rows .* recall@10 ([0-9.]+)").matcher(out);
    assertThat(m.find()).as("the example's summary line in:%n%s", tail(out)).isTrue();
    assertThat(Long.parseLong(m.group(1))).as("rows loaded").isEqualTo(3000);
    assertThat(Double.parseDouble(m.group(2))).as("kNN recall@10 vs the exact join").isGreaterThanOrEqualTo(0.9);
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
  }
}
