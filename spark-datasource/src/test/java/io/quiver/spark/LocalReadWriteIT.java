package io.quiver.spark;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The read/write contract against a local folder. */
class LocalReadWriteIT extends ReadWriteContract {
  @TempDir static Path dir;

  @Override
  String warehouse() {
    return dir.toUri().toString();
  }

  @Override
  Map<String, String> hadoop() {
    return Map.of();
  }
}
