package io.quiver.engine.io;

/**
 * A Quiver file whose bytes cannot be trusted: bad magic, bad checksum, truncated, or an unknown format version.
 * Names the file and the reason. Readers never guess past one.
 */
public class CorruptFileException extends RuntimeException {
  private final String file;

  public CorruptFileException(String file, String reason) {
    super("Corrupt or unreadable Quiver file " + file + ": " + reason);
    this.file = file;
  }

  public CorruptFileException(String file, String reason, Throwable cause) {
    super("Corrupt or unreadable Quiver file " + file + ": " + reason, cause);
    this.file = file;
  }

  public String file() {
    return file;
  }
}
