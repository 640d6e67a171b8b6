package io.quiver.engine.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * One validated row: values in the order of {@link CollectionSchema#fields()}, in canonical Java types (see
 * {@link Values}), plus the dynamic field's JSON object text ({@code $meta}) or null.
 *
 * <p>Rows are made by {@link #of(CollectionSchema, Map)}, which validates, or by codecs reading bytes Quiver wrote.
 * The value array is owned by the row; callers must not change it.
 */
public final class Row {
  private final Object[] values;
  @Nullable private final String meta;

  /** Wraps already-canonical values (codecs, readers). */
  public Row(Object[] values, @Nullable String meta) {
    this.values = values;
    this.meta = meta;
  }

  /**
   * Validates a user row given by field name. Unknown keys go to {@code $meta} when the schema has a dynamic field and
   * are refused otherwise; missing nullable fields become null (or their default); a missing auto-id primary key stays
   * null for the writer to assign.
   *
   * @throws ValidationException naming the field, value and reason
   */
  public static Row of(CollectionSchema schema, Map<String, ?> input) {
    List<FieldSchema> fields = schema.fields();
    Object[] values = new Object[fields.size()];
    ObjectNode dynamic = null;
    for (Map.Entry<String, ?> e : input.entrySet()) {
      String name = e.getKey();
      int p = schema.position(name);
      if (p < 0) {
        if (CollectionSchema.DYNAMIC_FIELD.equals(name) && schema.dynamicField()) {
          dynamic = mergeMeta(dynamic, e.getValue());
          continue;
        }
        if (!schema.dynamicField()) {
          throw new ValidationException(name, e.getValue(), "unknown field; the schema has " + schema.fieldNames()
              + " and no dynamic field");
        }
        if (dynamic == null) {
          dynamic = Values.JSON.createObjectNode();
        }
        dynamic.set(name, Values.JSON.valueToTree(e.getValue()));
        continue;
      }
      FieldSchema f = fields.get(p);
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      if (f.isAutoId()) {
        throw new ValidationException(f.name(), v, "the primary key is auto id; do not supply it");
      }
      values[p] = Values.normalize(f, v);
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        continue;
      }
      FieldSchema f = fields.get(i);
      if (f.defaultValue() != null) {
        values[i] = f.defaultValue();
      } else if (f.isPrimaryKey()) {
        if (!f.isAutoId()) {
          throw new ValidationException(f.name(), null, "the primary key is missing");
        }
      } else if (!f.isNullable()) {
        throw new ValidationException(f.name(), null, "missing or null, but the field is not nullable");
      }
    }
    try {
      return new Row(values, dynamic == null || dynamic.isEmpty() ? null : Values.JSON.writeValueAsString(dynamic));
    } catch (JsonProcessingException ex) {
      throw new ValidationException(CollectionSchema.DYNAMIC_FIELD, dynamic, "cannot serialize: " + ex.getMessage());
    }
  }

  private static ObjectNode mergeMeta(ObjectNode into, Object value) {
    if (value == null) {
      return into;
    }
    String text = Values.json(CollectionSchema.DYNAMIC_FIELD, value);
    try {
      var node = Values.JSON.readTree(text);
      if (!node.isObject()) {
        throw new ValidationException(CollectionSchema.DYNAMIC_FIELD, value, "the dynamic field must be a JSON object");
      }
      ObjectNode out = into == null ? Values.JSON.createObjectNode() : into;
      out.setAll((ObjectNode) node);
      return out;
    } catch (JsonProcessingException ex) {
      throw new ValidationException(CollectionSchema.DYNAMIC_FIELD, value, "not valid JSON: " + ex.getOriginalMessage());
    }
  }

  public Object get(int position) {
    return values[position];
  }

  public int size() {
    return values.length;
  }

  /** The JSON object text of the dynamic field, or null. */
  @Nullable
  public String meta() {
    return meta;
  }

  /** A copy with {@code value} at {@code position} (used to fill an auto id). */
  public Row with(int position, Object value) {
    Object[] copy = values.clone();
    copy[position] = value;
    return new Row(copy, meta);
  }

  /** The row as a map from field name (and {@code $meta}) to value, in schema order. */
  public Map<String, Object> toMap(CollectionSchema schema) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      out.put(schema.fields().get(i).name(), values[i]);
    }
    if (meta != null) {
      out.put(CollectionSchema.DYNAMIC_FIELD, meta);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Row)) {
      return false;
    }
    Row r = (Row) o;
    return Arrays.deepEquals(values, r.values) && java.util.Objects.equals(meta, r.meta);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(values) * 31 + (meta == null ? 0 : meta.hashCode());
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Row[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      Object v = values[i];
      s.append(v instanceof float[] ? "float[" + ((float[]) v).length + "]" : String.valueOf(v));
    }
    if (meta != null) {
      s.append(", $meta=").append(meta);
    }
    return s.append(']').toString();
  }
}
