package io.quiver.engine.catalog;

/**
 * The committer cannot tell whether its commit happened (the pointer swap may have succeeded before an error). The
 * caller must not delete anything the commit references: if it did land, those files are live. A later retry of
 * the same commit message is safe for WAL commits (the manifest's offsets make it a no-op) and garbage collection
 * removes files that turn out to be unreferenced.
 */
public class CommitStateUnknownException extends RuntimeException {
  public CommitStateUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
