package io.quiver.spark;

import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one place that maps Quiver schemas to Spark's and back. BOOL → BOOLEAN, INT32 → INT, INT64 → BIGINT, FLOAT →
 * FLOAT, DOUBLE → DOUBLE, VARCHAR and JSON → STRING, FLOAT_VECTOR(dim) → ARRAY&lt;FLOAT&gt; (not null, elements not
 * null); the dynamic field is the STRING column {@code $meta}. Field metadata carries {@code quiver.type},
 * {@code quiver.dim}, {@code quiver.metric}, {@code quiver.max_length}, {@code quiver.primary_key} and
 * {@code quiver.auto_id}.
 *
 * <p>The primary key of an auto-id collection is a <em>nullable</em> BIGINT on the Spark side: NULL (or leaving
 * the column out, which Spark fills with NULL) means "generate the key", the way {@code INSERT INTO t (emb, title)
 * VALUES ...} or {@code INSERT INTO t SELECT NULL, emb, title FROM src} expect; a non-null value is refused row by
 * row, naming the column, the value and the reason (as Milvus refuses a value for an auto-id field).
 */
public final class SparkSchemas {
  public static final ArrayType VECTOR = DataTypes.createArrayType(DataTypes.FloatType, false);

  private SparkSchemas() {}

  public static StructType toSpark(CollectionSchema schema) {
    List<StructField> fields = new ArrayList<>();
    for (FieldSchema f : schema.fields()) {
      fields.add(toSpark(f));
    }
    if (schema.dynamicField()) {
      fields.add(DataTypes.createStructField(CollectionSchema.DYNAMIC_FIELD, DataTypes.StringType, true,
          new MetadataBuilder().putString("quiver.type", "JSON").build()));
    }
    return DataTypes.createStructType(fields);
  }

  public static StructField toSpark(FieldSchema f) {
    MetadataBuilder m = new MetadataBuilder().putString("quiver.type", f.type().name());
    if (f.type().isVector()) {
      m.putLong("quiver.dim", f.dim()).putString("quiver.metric", f.metric().name());
    }
    if (f.type() == DataType.VARCHAR) {
      m.putLong("quiver.max_length", f.maxLength());
    }
    if (f.isPrimaryKey()) {
      m.putBoolean("quiver.primary_key", true);
    }
    if (f.isAutoId()) {
      m.putBoolean("quiver.auto_id", true);
    }
    return DataTypes.createStructField(f.name(), sparkType(f.type()), f.isNullable() || f.isAutoId(), m.build());
  }

  public static org.apache.spark.sql.types.DataType sparkType(DataType t) {
    switch (t) {
      case BOOL:
        return DataTypes.BooleanType;
      case INT32:
        return DataTypes.IntegerType;
      case INT64:
        return DataTypes.LongType;
      case FLOAT:
        return DataTypes.FloatType;
      case DOUBLE:
        return DataTypes.DoubleType;
      case VARCHAR:
      case JSON:
        return DataTypes.StringType;
      case FLOAT_VECTOR:
        return VECTOR;
      default:
        throw new IllegalStateException("Unhandled type " + t);
    }
  }

  /**
   * A collection schema from Spark columns and table properties / options: {@code primary_key} (required),
   * {@code auto_id} ({@code true}: Quiver generates the BIGINT primary key; default {@code false}),
   * {@code <vector>.dim} (required for each ARRAY&lt;FLOAT&gt; column), {@code <vector>.metric} (default COSINE),
   * {@code <varchar>.max_length} (default 65535), {@code <string>.type = json}, {@code dynamic_field}.
   *
   * @throws IllegalArgumentException naming the column, value and reason
   */
  public static CollectionSchema fromSpark(StructType struct, Map<String, String> props) {
    Map<String, String> p = lower(props);
    String pk = p.get(QuiverOptions.PRIMARY_KEY);
    if (pk == null || pk.isBlank()) {
      throw new IllegalArgumentException("Cannot create a Quiver collection: property 'primary_key' is required "
          + "(a BIGINT or STRING column), columns: " + List.of(struct.fieldNames()));
    }
    if (!List.of(struct.fieldNames()).contains(pk)) {
      throw new IllegalArgumentException("Cannot create a Quiver collection: primary_key '" + pk
          + "' is not a column; columns: " + List.of(struct.fieldNames()));
    }
    String autoId = p.getOrDefault(QuiverOptions.AUTO_ID, "false").trim();
    if (!autoId.equalsIgnoreCase("true") && !autoId.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException("Cannot create a Quiver collection: property 'auto_id' is '" + autoId
          + "', expected true or false");
    }
    CollectionSchema.Builder b = CollectionSchema.builder();
    for (StructField sf : struct.fields()) {
      String name = sf.name();
      if (name.equals(CollectionSchema.DYNAMIC_FIELD)) {
        continue;
      }
      String lname = name.toLowerCase(Locale.ROOT);
      DataType type = quiverType(sf, p.get(lname + ".type"));
      FieldSchema.Builder fb = FieldSchema.builder(name, type);
      if (name.equals(pk)) {
        fb.primaryKey(true).autoId(autoId.equalsIgnoreCase("true"));
      } else if (!type.isVector()) {
        fb.nullable(sf.nullable() && !"false".equalsIgnoreCase(p.get(lname + ".nullable")));
      }
      if (type.isVector()) {
        String dim = p.get(lname + ".dim");
        if (dim == null) {
          throw new IllegalArgumentException("Cannot create vector column '" + name + "': property '" + lname
              + ".dim' is required, e.g. '" + lname + ".dim'='768'");
        }
        try {
          fb.dim(Integer.parseInt(dim.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Cannot create vector column '" + name + "': " + lname + ".dim '" + dim
              + "' is not an integer");
        }
        fb.metric(MetricType.parse(p.getOrDefault(lname + ".metric", "COSINE")));
      }
      if (type == DataType.VARCHAR) {
        String len = p.getOrDefault(lname + ".max_length", Integer.toString(FieldSchema.MAX_VARCHAR_LENGTH));
        fb.maxLength(Integer.parseInt(len.trim()));
      }
      b.add(fb.build());
    }
    b.dynamicField(List.of(struct.fieldNames()).contains(CollectionSchema.DYNAMIC_FIELD)
        || "true".equalsIgnoreCase(p.get(QuiverOptions.DYNAMIC_FIELD)));
    return b.build();
  }

  /** Index specs from {@code <vector>.index} and {@code <vector>.index.<param>} properties. */
  public static Map<String, IndexSpec> indexSpecs(CollectionSchema schema, Map<String, String> props) {
    Map<String, String> p = lower(props);
    Map<String, IndexSpec> out = new TreeMap<>();
    for (FieldSchema f : schema.vectorFields()) {
      String key = f.name().toLowerCase(Locale.ROOT) + ".index";
      String kind = p.get(key);
      if (kind == null) {
        continue;
      }
      Map<String, String> params = new TreeMap<>();
      p.forEach((k, v) -> {
        if (k.startsWith(key + ".")) {
          params.put(k.substring(key.length() + 1), v);
        }
      });
      out.put(f.name(), new IndexSpec(kind.toUpperCase(Locale.ROOT), params));
    }
    return out;
  }

  private static DataType quiverType(StructField sf, String declared) {
    org.apache.spark.sql.types.DataType t = sf.dataType();
    if ("json".equalsIgnoreCase(declared) && t == DataTypes.StringType) {
      return DataType.JSON;
    }
    if (t == DataTypes.BooleanType) {
      return DataType.BOOL;
    } else if (t == DataTypes.IntegerType) {
      return DataType.INT32;
    } else if (t == DataTypes.LongType) {
      return DataType.INT64;
    } else if (t == DataTypes.FloatType) {
      return DataType.FLOAT;
    } else if (t == DataTypes.DoubleType) {
      return DataType.DOUBLE;
    } else if (t == DataTypes.StringType || t instanceof org.apache.spark.sql.types.StringType) {
      return DataType.VARCHAR;
    } else if (t instanceof ArrayType
        && (((ArrayType) t).elementType() == DataTypes.FloatType
            || ((ArrayType) t).elementType() == DataTypes.DoubleType)) {
      return DataType.FLOAT_VECTOR;
    }
    throw new IllegalArgumentException("Cannot map column '" + sf.name() + "' of type " + t.simpleString()
        + " to Quiver: use BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, STRING or ARRAY<FLOAT>");
  }

  /**
   * Checks that a DataFrame's columns can be written to {@code schema}: every column known, types compatible, the
   * primary key and every required field present. The auto-id primary key may be given (a catalog table's
   * {@code INSERT} always has it): only NULL values are accepted there, which {@code RowConverter} checks per row.
   *
   * @throws IllegalArgumentException naming the column, its type and the reason
   */
  public static void checkWritable(StructType input, CollectionSchema schema) {
    List<String> names = List.of(input.fieldNames());
    for (StructField sf : input.fields()) {
      if (sf.name().equals(CollectionSchema.DYNAMIC_FIELD)) {
        if (!schema.dynamicField() || sf.dataType() != DataTypes.StringType) {
          throw new IllegalArgumentException("Cannot write column '" + sf.name() + "': "
              + (schema.dynamicField() ? "it must be a STRING of JSON" : "the collection has no dynamic field"));
        }
        continue;
      }
      FieldSchema f = schema.field(sf.name());
      if (f == null) {
        throw new IllegalArgumentException("Cannot write column '" + sf.name() + "' (" + sf.dataType().simpleString()
            + "): unknown column; the collection has " + schema.fieldNames());
      }
      if (!compatible(sf.dataType(), f.type())) {
        throw new IllegalArgumentException("Cannot write column '" + sf.name() + "': type "
            + sf.dataType().simpleString() + " does not fit " + f.typeString() + " (expected "
            + sparkType(f.type()).simpleString() + ")");
      }
    }
    for (FieldSchema f : schema.fields()) {
      if (names.contains(f.name())) {
        continue;
      }
      if (f.isPrimaryKey() && !f.isAutoId()) {
        throw new IllegalArgumentException("Cannot write: the primary key column '" + f.name()
            + "' is missing; columns given: " + names);
      }
      if (!f.isNullable() && f.defaultValue() == null && !f.isPrimaryKey()) {
        throw new IllegalArgumentException("Cannot write: column '" + f.name() + "' (" + f.typeString()
            + ", not nullable, no default) is missing; columns given: " + names);
      }
    }
  }

  static boolean compatible(org.apache.spark.sql.types.DataType t, DataType q) {
    switch (q) {
      case BOOL:
        return t == DataTypes.BooleanType;
      case INT32:
        return t == DataTypes.IntegerType || t == DataTypes.ShortType || t == DataTypes.ByteType;
      case INT64:
        return t == DataTypes.LongType || t == DataTypes.IntegerType || t == DataTypes.ShortType
            || t == DataTypes.ByteType;
      case FLOAT:
        return t == DataTypes.FloatType;
      case DOUBLE:
        return t == DataTypes.DoubleType || t == DataTypes.FloatType;
      case VARCHAR:
      case JSON:
        return t instanceof org.apache.spark.sql.types.StringType;
      case FLOAT_VECTOR:
        return t instanceof ArrayType && (((ArrayType) t).elementType() == DataTypes.FloatType
            || ((ArrayType) t).elementType() == DataTypes.DoubleType);
      default:
        return false;
    }
  }

  private static Map<String, String> lower(Map<String, String> props) {
    Map<String, String> out = new TreeMap<>();
    props.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  static Metadata empty() {
    return Metadata.empty();
  }
}
