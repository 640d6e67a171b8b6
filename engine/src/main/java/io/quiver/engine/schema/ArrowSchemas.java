package io.quiver.engine.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The one place that maps a {@link CollectionSchema} to an Arrow schema (in-memory columns) and back.
 *
 * <p>BOOL→Bool, INT32→Int(32), INT64→Int(64), FLOAT→FloatingPoint(SINGLE), DOUBLE→FloatingPoint(DOUBLE),
 * VARCHAR and JSON→Utf8, FLOAT_VECTOR→FixedSizeList(dim)&lt;FloatingPoint(SINGLE)&gt;. Quiver attributes travel as
 * field metadata ({@code quiver.*}); {@link #fromArrow} restores the schema exactly. Segment readers hand vectors out
 * as one contiguous float buffer instead of a FixedSizeList vector; the Arrow type states the logical shape.
 */
public final class ArrowSchemas {
  private ArrowSchemas() {}

  public static Schema toArrow(CollectionSchema schema) {
    List<Field> fields = new ArrayList<>();
    for (FieldSchema f : schema.fields()) {
      fields.add(toArrow(f));
    }
    if (schema.dynamicField()) {
      fields.add(new Field(CollectionSchema.DYNAMIC_FIELD, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
    }
    Map<String, String> meta = new HashMap<>();
    meta.put("quiver.schema", SchemaParser.toJson(schema).toString());
    return new Schema(fields, meta);
  }

  /** The Arrow field of one Quiver field. */
  public static Field toArrow(FieldSchema f) {
    Map<String, String> meta = new HashMap<>();
    meta.put("quiver.id", Integer.toString(f.id()));
    meta.put("quiver.type", f.type().name());
    if (f.maxLength() > 0) {
      meta.put("quiver.max-length", Integer.toString(f.maxLength()));
    }
    if (f.metric() != null) {
      meta.put("quiver.metric", f.metric().name());
    }
    if (f.isPrimaryKey()) {
      meta.put("quiver.primary-key", Boolean.toString(true));
    }
    if (f.type() == DataType.FLOAT_VECTOR) {
      Field element = new Field("element", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
      return new Field(f.name(), new FieldType(false, new ArrowType.FixedSizeList(f.dim()), null, meta), List.of(element));
    }
    return new Field(f.name(), new FieldType(f.isNullable(), arrowType(f.type()), null, meta), null);
  }

  static ArrowType arrowType(DataType type) {
    switch (type) {
      case BOOL:
        return ArrowType.Bool.INSTANCE;
      case INT32:
        return new ArrowType.Int(32, true);
      case INT64:
        return new ArrowType.Int(64, true);
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case VARCHAR:
      case JSON:
        return ArrowType.Utf8.INSTANCE;
      default:
        throw new IllegalArgumentException("No scalar Arrow type for " + type);
    }
  }

  /** Restores the collection schema from an Arrow schema written by {@link #toArrow(CollectionSchema)}. */
  public static CollectionSchema fromArrow(Schema arrow) {
    String json = arrow.getCustomMetadata() == null ? null : arrow.getCustomMetadata().get("quiver.schema");
    if (json == null) {
      throw new IllegalArgumentException("Arrow schema carries no quiver.schema metadata: " + arrow);
    }
    try {
      return SchemaParser.fromJson(Values.JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Corrupt quiver.schema metadata in Arrow schema", e);
    }
  }
}
