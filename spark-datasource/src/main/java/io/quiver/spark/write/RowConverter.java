package io.quiver.spark.write;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.schema.Values;
import java.io.Serializable;
import java.util.List;
import java.util.function.LongSupplier;
import javax.annotation.Nullable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns Spark rows into validated Quiver rows: each value is checked by the engine ({@link Values#normalize}: vector
 * dimension, NaN/infinite elements, VARCHAR length, ranges), missing fields take their default or must be nullable.
 * A refusal names the column, the row's primary key (when known) and the reason. An auto-id primary key column
 * may be present but must be NULL: its key is generated.
 */
final class RowConverter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final DataType[] types;
  private final int[] target;
  private final String[] names;
  private final int metaColumn;
  private final int pkColumn;

  RowConverter(StructType input, CollectionSchema schema) {
    StructField[] fields = input.fields();
    types = new DataType[fields.length];
    target = new int[fields.length];
    names = new String[fields.length];
    int meta = -1;
    for (int i = 0; i < fields.length; i++) {
      types[i] = fields[i].dataType();
      names[i] = fields[i].name();
      target[i] = schema.position(fields[i].name());
      if (fields[i].name().equals(CollectionSchema.DYNAMIC_FIELD)) {
        meta = i;
      }
    }
    metaColumn = meta;
    pkColumn = input.getFieldIndex(schema.primaryKey().name()).isDefined()
        ? (Integer) input.getFieldIndex(schema.primaryKey().name()).get() : -1;
  }

  /**
   * @param where a description of the row's place for errors ("task 3, row 17")
   * @param autoIds generates the primary key of an auto-id collection
   * @throws IllegalArgumentException naming the column, the row's key and the reason
   */
  Row convert(CollectionSchema schema, InternalRow in, String where, @Nullable LongSupplier autoIds) {
    List<FieldSchema> fields = schema.fields();
    Object[] values = new Object[fields.size()];
    Object key = pkColumn >= 0 && !in.isNullAt(pkColumn) ? value(in, pkColumn) : null;
    String meta = null;
    for (int i = 0; i < types.length; i++) {
      if (i == metaColumn) {
        meta = in.isNullAt(i) ? null : in.getUTF8String(i).toString();
        continue;
      }
      if (in.isNullAt(i)) {
        continue;
      }
      FieldSchema f = fields.get(target[i]);
      if (f.isAutoId()) {
        throw refused(schema, null, where, "Invalid value for field '" + f.name() + "': " + value(in, i)
            + "; the primary key is auto id and Quiver generates it, so only NULL (or leaving the column out) is "
            + "accepted");
      }
      try {
        values[target[i]] = Values.normalize(f, value(in, i));
      } catch (ValidationException e) {
        throw refused(schema, key, where, e.getMessage());
      }
    }
    for (int p = 0; p < values.length; p++) {
      if (values[p] != null) {
        continue;
      }
      FieldSchema f = fields.get(p);
      if (f.defaultValue() != null) {
        values[p] = f.defaultValue();
      } else if (f.isAutoId() && autoIds != null) {
        values[p] = autoIds.getAsLong();
      } else if (f.isPrimaryKey()) {
        throw refused(schema, key, where, "Invalid value for field '" + f.name()
            + "': the primary key is null or missing");
      } else if (!f.isNullable()) {
        throw refused(schema, key, where, "Invalid value for field '" + f.name()
            + "': null, but the field is not nullable");
      }
    }
    return new Row(values, meta);
  }

  private Object value(InternalRow in, int i) {
    DataType t = types[i];
    if (t == DataTypes.LongType) {
      return in.getLong(i);
    } else if (t == DataTypes.IntegerType) {
      return in.getInt(i);
    } else if (t == DataTypes.ShortType) {
      return in.getShort(i);
    } else if (t == DataTypes.ByteType) {
      return in.getByte(i);
    } else if (t == DataTypes.FloatType) {
      return in.getFloat(i);
    } else if (t == DataTypes.DoubleType) {
      return in.getDouble(i);
    } else if (t == DataTypes.BooleanType) {
      return in.getBoolean(i);
    } else if (t instanceof ArrayType) {
      ArrayData a = in.getArray(i);
      ArrayType at = (ArrayType) t;
      if (at.containsNull()) {
        for (int e = 0; e < a.numElements(); e++) {
          if (a.isNullAt(e)) {
            throw new ValidationException(names[i], "array of " + a.numElements(), "element " + e
                + " is null; vectors must be finite");
          }
        }
      }
      if (at.elementType() == DataTypes.DoubleType) {
        return a.toDoubleArray();
      }
      return a.toFloatArray();
    }
    return in.getUTF8String(i).toString();
  }

  private static IllegalArgumentException refused(CollectionSchema schema, Object key, String where, String reason) {
    return new IllegalArgumentException("Cannot write row " + (key == null ? "" : schema.primaryKey().name() + "="
        + key + " ") + "(" + where + "): " + reason);
  }
}
