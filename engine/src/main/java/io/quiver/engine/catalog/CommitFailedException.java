package io.quiver.engine.catalog;

/**
 * A commit that did not happen: it lost every retry to concurrent commits, or it conflicts with the current
 * manifest in a way re-applying cannot fix (a segment it replaces is gone). Nothing was made visible; the caller may
 * clean up the files it wrote.
 */
public class CommitFailedException extends RuntimeException {
  public CommitFailedException(String message) {
    super(message);
  }

  public CommitFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
