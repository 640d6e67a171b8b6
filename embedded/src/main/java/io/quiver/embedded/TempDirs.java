package io.quiver.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary directories owned by one embedded server or one benchmark run. */
public final class TempDirs {
  private static final Logger LOG = LoggerFactory.getLogger(TempDirs.class);

  private TempDirs() {}

  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory " + prefix + "*", e);
    }
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create directory " + dir, e);
    }
  }

  /** Deletes {@code dir} and everything below it; logs instead of throwing, since it runs in close(). */
  public static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          LOG.warn("Cannot delete {}: {}", path, e.toString());
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Cannot delete temporary directory {}: {}", dir, e.toString());
    }
  }
}
