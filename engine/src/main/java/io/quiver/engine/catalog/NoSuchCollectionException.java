package io.quiver.engine.catalog;

/** A collection the warehouse does not hold. */
public class NoSuchCollectionException extends IllegalArgumentException {
  public NoSuchCollectionException(String collection, String warehouse) {
    super("Collection '" + collection + "' does not exist in warehouse " + warehouse);
  }
}
