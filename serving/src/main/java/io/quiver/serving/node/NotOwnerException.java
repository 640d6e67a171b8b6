package io.quiver.serving.node;

/** A request reached a node that does not (or no longer) serve the shard: the proxy retries on another owner. */
public final class NotOwnerException extends RuntimeException {
  public NotOwnerException(String message) {
    super(message);
  }
}
