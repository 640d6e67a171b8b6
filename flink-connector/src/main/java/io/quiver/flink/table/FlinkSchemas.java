package io.quiver.flink.table;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The one place that maps Quiver types to Flink SQL types and Flink rows to Quiver values.
 *
 * <pre>
 * Quiver              Flink SQL
 * INT64               BIGINT
 * INT32               INT
 * FLOAT               FLOAT
 * DOUBLE              DOUBLE
 * BOOL                BOOLEAN
 * VARCHAR(n)          STRING / VARCHAR(m) / CHAR(m)  (length checked per row, in UTF-8 bytes)
 * JSON                STRING (JSON text)
 * FLOAT_VECTOR(dim)   ARRAY&lt;FLOAT&gt;  (dimension declared with 'fields.&lt;column&gt;.dim', checked per row)
 * </pre>
 */
public final class FlinkSchemas {
  private FlinkSchemas() {}

  /** The Flink type of a Quiver field. */
  public static DataType toFlinkType(FieldSchema f) {
    DataType t;
    switch (f.type()) {
      case INT64:
        t = DataTypes.BIGINT();
        break;
      case INT32:
        t = DataTypes.INT();
        break;
      case FLOAT:
        t = DataTypes.FLOAT();
        break;
      case DOUBLE:
        t = DataTypes.DOUBLE();
        break;
      case BOOL:
        t = DataTypes.BOOLEAN();
        break;
      case VARCHAR:
      case JSON:
        t = DataTypes.STRING();
        break;
      case FLOAT_VECTOR:
        t = DataTypes.ARRAY(DataTypes.FLOAT().notNull());
        break;
      default:
        throw new IllegalArgumentException("No Flink type for " + f);
    }
    return f.isNullable() ? t : t.notNull();
  }

  /**
   * Checks a table's columns against the collection's schema, before anything is written.
   *
   * @param declaredDims vector dimensions declared in the table options, by column
   * @throws ValidationException naming the column and the reason: not in the schema, a type that does not map, a
   *     declared dimension other than the schema's, a primary key other than the collection's, or a required field
   *     missing from the table
   */
  public static void check(String table, CollectionSchema schema, List<Column> columns, List<String> primaryKey,
      Map<String, Integer> declaredDims) {
    List<String> names = new ArrayList<>();
    for (Column c : columns) {
      names.add(c.getName());
      FieldSchema f = schema.field(c.getName());
      if (f == null) {
        throw new ValidationException("Table " + table + ": column '" + c.getName() + "' is not a field of the "
            + "collection; its fields are " + schema.fieldNames());
      }
      if (!c.isPhysical()) {
        throw new ValidationException("Table " + table + ": column '" + c.getName() + "' must be a physical column");
      }
      LogicalType t = c.getDataType().getLogicalType();
      if (!compatible(f, t)) {
        throw new ValidationException("Table " + table + ": column '" + c.getName() + "' has type " + t
            + ", which cannot hold the collection's " + f.typeString() + "; use " + toFlinkType(f));
      }
      Integer dim = declaredDims.get(c.getName());
      if (dim != null && dim != f.dim()) {
        throw new ValidationException("Table " + table + ": vector column '" + c.getName() + "' is declared with "
            + "dimension " + dim + " ('fields." + c.getName() + ".dim'), but the collection's field is "
            + f.typeString());
      }
    }
    for (String col : declaredDims.keySet()) {
      if (!names.contains(col) || !schema.requireField(col).type().isVector()) {
        throw new ValidationException("Table " + table + ": option 'fields." + col + ".dim' names no vector column "
            + "of the table");
      }
    }
    String pk = schema.primaryKey().name();
    if (!primaryKey.equals(List.of(pk))) {
      throw new ValidationException("Table " + table + ": the table's primary key " + primaryKey + " must be the "
          + "collection's primary key [" + pk + "] (declare PRIMARY KEY (" + pk + ") NOT ENFORCED)");
    }
    for (FieldSchema f : schema.fields()) {
      if (!names.contains(f.name()) && !f.isNullable() && f.defaultValue() == null && !f.isPrimaryKey()) {
        throw new ValidationException("Table " + table + ": the collection's field '" + f.name() + "' ("
            + f.typeString() + ") is required but the table has no such column");
      }
    }
  }

  static boolean compatible(FieldSchema f, LogicalType t) {
    LogicalTypeRoot r = t.getTypeRoot();
    switch (f.type()) {
      case INT64:
        return r == LogicalTypeRoot.BIGINT;
      case INT32:
        return r == LogicalTypeRoot.INTEGER;
      case FLOAT:
        return r == LogicalTypeRoot.FLOAT;
      case DOUBLE:
        return r == LogicalTypeRoot.DOUBLE;
      case BOOL:
        return r == LogicalTypeRoot.BOOLEAN;
      case VARCHAR:
      case JSON:
        return r == LogicalTypeRoot.VARCHAR || r == LogicalTypeRoot.CHAR;
      case FLOAT_VECTOR:
        return r == LogicalTypeRoot.ARRAY
            && ((ArrayType) t).getElementType().getTypeRoot() == LogicalTypeRoot.FLOAT;
      default:
        return false;
    }
  }

  /** Reads one column of a {@link RowData} as a Quiver value (before {@code Row.of} validates it). */
  @FunctionalInterface
  public interface FieldGetter extends Serializable {
    Object get(RowData row);
  }

  /** The getter of column {@code pos}, which {@link #check} accepted for {@code f}. */
  public static FieldGetter getter(FieldSchema f, int pos) {
    FieldGetter g;
    switch (f.type()) {
      case INT64:
        g = r -> r.getLong(pos);
        break;
      case INT32:
        g = r -> r.getInt(pos);
        break;
      case FLOAT:
        g = r -> r.getFloat(pos);
        break;
      case DOUBLE:
        g = r -> r.getDouble(pos);
        break;
      case BOOL:
        g = r -> r.getBoolean(pos);
        break;
      case VARCHAR:
      case JSON:
        g = r -> r.getString(pos).toString();
        break;
      case FLOAT_VECTOR:
        String name = f.name();
        g = r -> vector(name, r.getArray(pos));
        break;
      default:
        throw new IllegalArgumentException("No getter for " + f);
    }
    return r -> r.isNullAt(pos) ? null : g.get(r);
  }

  private static float[] vector(String name, ArrayData a) {
    for (int i = 0; i < a.size(); i++) {
      if (a.isNullAt(i)) {
        throw new io.quiver.engine.schema.ValidationException(name, null, "element " + i + " of the vector is null");
      }
    }
    return a.toFloatArray();
  }
}
