package io.quiver.engine.wal;

/**
 * A WAL record that cannot be decoded or does not match its schema: a poison record. The ingestion job sends it to
 * the dead-letter topic with {@link #getMessage()} as the reason and goes on.
 */
public class WalDecodeException extends RuntimeException {
  public WalDecodeException(String message) {
    super(message);
  }

  public WalDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
