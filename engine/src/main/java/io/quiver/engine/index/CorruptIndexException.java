package io.quiver.engine.index;

import java.io.IOException;
import java.nio.file.Path;

/** An index file that cannot be trusted: bad magic, unknown format version, truncated, or a checksum mismatch. */
public class CorruptIndexException extends IOException {
  private final Path file;

  public CorruptIndexException(Path file, String reason) {
    super("Corrupt index file " + file + ": " + reason);
    this.file = file;
  }

  public CorruptIndexException(Path file, String reason, Throwable cause) {
    super("Corrupt index file " + file + ": " + reason, cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
