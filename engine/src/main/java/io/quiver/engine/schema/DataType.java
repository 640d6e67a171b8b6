package io.quiver.engine.schema;

/**
 * The field types a collection schema may hold.
 *
 * <p>Each type carries a fixed numeric id that is written into files and the wire; ids are never derived from
 * {@code ordinal()}. The ids are Milvus's {@code schema.proto} {@code DataType} numbers, so the serving tier maps
 * them without a table.
 */
public enum DataType {
  BOOL(1),
  INT32(4),
  INT64(5),
  FLOAT(10),
  DOUBLE(11),
  VARCHAR(21),
  JSON(23),
  FLOAT_VECTOR(101);

  private final int id;

  DataType(int id) {
    this.id = id;
  }

  /** The fixed id written to files and the wire. */
  public int id() {
    return id;
  }

  public boolean isVector() {
    return this == FLOAT_VECTOR;
  }

  public boolean isNumeric() {
    return this == INT32 || this == INT64 || this == FLOAT || this == DOUBLE;
  }

  public boolean isIntegral() {
    return this == INT32 || this == INT64;
  }

  /** Looks a type up by its fixed id. */
  public static DataType fromId(int id) {
    for (DataType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new IllegalArgumentException("Unknown data type id " + id);
  }

  /** Parses a type name case-insensitively ({@code "float_vector"}, {@code "VARCHAR"}). */
  public static DataType parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Unknown data type '" + name + "': expected one of " + java.util.Arrays.toString(values()), e);
    }
  }
}
