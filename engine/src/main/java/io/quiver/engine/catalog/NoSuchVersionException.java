package io.quiver.engine.catalog;

/** A version, tag or timestamp that does not name a retained version of the collection. */
public class NoSuchVersionException extends IllegalArgumentException {
  public NoSuchVersionException(String message) {
    super(message);
  }
}
