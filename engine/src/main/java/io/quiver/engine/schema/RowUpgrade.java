package io.quiver.engine.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts rows written under an older schema version to a newer one, matching fields by id (never by name or
 * position, so renames carry values over): a field the old schema lacks becomes its default, or null when nullable;
 * a field the new schema dropped is left out. Everything else is refused with a {@link ValidationException} naming
 * the field and why: a new field that is neither nullable nor defaulted, a changed type, a value the new constraints
 * refuse (longer VARCHAR than the new maximum, another vector dimension, null in a field no longer nullable), or
 * dynamic-field data when the new schema has no dynamic field. Immutable and thread-safe.
 */
public final class RowUpgrade {
  private final CollectionSchema from;
  private final CollectionSchema to;
  /** For each field of {@code to}: its position in {@code from}, or -1. */
  private final int[] source;

  private RowUpgrade(CollectionSchema from, CollectionSchema to) {
    this.from = from;
    this.to = to;
    Map<Integer, Integer> byId = new HashMap<>();
    for (int i = 0; i < from.fields().size(); i++) {
      byId.put(from.fields().get(i).id(), i);
    }
    List<FieldSchema> fields = to.fields();
    source = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      FieldSchema f = fields.get(i);
      Integer p = byId.get(f.id());
      source[i] = p == null ? -1 : p;
      if (p != null && from.fields().get(p).type() != f.type()) {
        throw new ValidationException(f.name(), null, "its type changed from " + from.fields().get(p).type() + " in "
            + "schema version " + from.version() + " to " + f.type() + " in version " + to.version()
            + ", rows cannot be converted");
      }
      if (p == null && f.defaultValue() == null && !f.isNullable()) {
        throw new ValidationException(f.name(), null, "added after schema version " + from.version()
            + " as neither nullable nor with a default, so rows of that version have no value for it");
      }
      if (p == null && f.isPrimaryKey()) {
        throw new ValidationException(f.name(), null, "the primary key of schema version " + to.version()
            + " is not a field of version " + from.version());
      }
    }
  }

  /**
   * The conversion from {@code from} to {@code to}.
   *
   * @throws ValidationException when no row of {@code from} can be converted (type change, new required field)
   */
  public static RowUpgrade of(CollectionSchema from, CollectionSchema to) {
    return new RowUpgrade(from, to);
  }

  public CollectionSchema from() {
    return from;
  }

  public CollectionSchema to() {
    return to;
  }

  /**
   * Converts one validated row of {@link #from()}.
   *
   * @throws ValidationException when this row's values break the new schema's constraints
   */
  public Row apply(Row row) {
    List<FieldSchema> fields = to.fields();
    Object[] values = new Object[fields.size()];
    for (int i = 0; i < values.length; i++) {
      FieldSchema f = fields.get(i);
      Object v = source[i] < 0 ? f.defaultValue() : row.get(source[i]);
      if (v == null) {
        if (!f.isNullable() && !f.isAutoId()) {
          throw new ValidationException(f.name(), null, "null in schema version " + from.version()
              + ", but not nullable in version " + to.version());
        }
      } else {
        v = Values.normalize(f, v);
      }
      values[i] = v;
    }
    if (row.meta() != null && !to.dynamicField()) {
      throw new ValidationException(CollectionSchema.DYNAMIC_FIELD, row.meta(), "schema version " + to.version()
          + " has no dynamic field to hold it");
    }
    return new Row(values, to.dynamicField() ? row.meta() : null);
  }
}
