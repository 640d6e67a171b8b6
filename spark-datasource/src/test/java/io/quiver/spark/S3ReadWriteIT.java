package io.quiver.spark;

import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.QuiverServers;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The read/write contract against S3Proxy through S3A (executors write segment files to S3 directly). */
@QuiverServers(s3 = true)
class S3ReadWriteIT extends ReadWriteContract {
  static String warehouse;
  static Map<String, String> hadoop;

  @BeforeAll
  static void s3(EmbeddedS3 s3) {
    warehouse = s3.warehouseUri("warehouse");
    hadoop = new HashMap<>();
    s3.hadoopProperties().forEach((k, v) -> hadoop.put("hadoop." + k, v));
    // S3A file systems are cached per bucket; each test class has its own S3Proxy port.
    hadoop.put("hadoop.fs.s3a.impl.disable.cache", "true");
  }

  @Override
  String warehouse() {
    return warehouse;
  }

  @Override
  Map<String, String> hadoop() {
    return hadoop;
  }
}
