package io.quiver.serving.milvus;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import io.quiver.serving.milvus.proto.KeyValuePair;
import io.quiver.serving.milvus.proto.ValueField;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Milvus {@code schema.CollectionSchema} ↔ Quiver {@link CollectionSchema}. Data type numbers are shared (Quiver's
 * ids are Milvus's), so only the supported subset needs checking. A vector field's metric comes from its index in
 * Milvus; until CreateIndex says otherwise it is {@link #DEFAULT_METRIC}, as Milvus's AUTOINDEX default.
 */
public final class ProtoSchemas {
  public static final MetricType DEFAULT_METRIC = MetricType.COSINE;

  private ProtoSchemas() {}

  public static CollectionSchema fromProto(io.quiver.serving.milvus.proto.CollectionSchema p) {
    CollectionSchema.Builder b = CollectionSchema.builder().dynamicField(p.getEnableDynamicField())
        .description(p.getDescription());
    for (io.quiver.serving.milvus.proto.FieldSchema f : p.getFieldsList()) {
      if (f.getIsDynamic()) {
        continue;
      }
      b.add(field(f));
    }
    return b.build();
  }

  static FieldSchema field(io.quiver.serving.milvus.proto.FieldSchema f) {
    DataType type;
    try {
      type = DataType.fromId(f.getDataTypeValue());
    } catch (IllegalArgumentException e) {
      throw new ValidationException(f.getName(), f.getDataType().name(), "data type not supported by Quiver; "
          + "supported: Bool, Int32, Int64, Float, Double, VarChar, JSON, FloatVector");
    }
    Map<String, String> tp = new HashMap<>();
    for (KeyValuePair kv : f.getTypeParamsList()) {
      tp.put(kv.getKey(), kv.getValue());
    }
    FieldSchema.Builder b = FieldSchema.builder(f.getName(), type).primaryKey(f.getIsPrimaryKey())
        .autoId(f.getAutoID()).nullable(f.getNullable()).partitionKey(f.getIsPartitionKey())
        .description(f.getDescription());
    if (type == DataType.FLOAT_VECTOR) {
      b.dim(intParam(f.getName(), "dim", tp.get("dim"))).metric(DEFAULT_METRIC);
    }
    if (type == DataType.VARCHAR) {
      b.maxLength(intParam(f.getName(), "max_length", tp.get("max_length")));
    }
    if (f.hasDefaultValue()) {
      b.defaultValue(value(f.getDefaultValue()));
    }
    return b.build();
  }

  private static int intParam(String field, String key, @Nullable String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException | NullPointerException e) {
      throw new ValidationException(field, v, "type parameter '" + key + "' must be a positive integer");
    }
  }

  @Nullable
  private static Object value(ValueField v) {
    switch (v.getDataCase()) {
      case BOOL_DATA:
        return v.getBoolData();
      case INT_DATA:
        return v.getIntData();
      case LONG_DATA:
        return v.getLongData();
      case FLOAT_DATA:
        return v.getFloatData();
      case DOUBLE_DATA:
        return v.getDoubleData();
      case STRING_DATA:
        return v.getStringData();
      default:
        return null;
    }
  }

  public static io.quiver.serving.milvus.proto.CollectionSchema toProto(String name, CollectionSchema s) {
    io.quiver.serving.milvus.proto.CollectionSchema.Builder b = io.quiver.serving.milvus.proto.CollectionSchema
        .newBuilder().setName(name).setDescription(s.description()).setEnableDynamicField(s.dynamicField());
    for (FieldSchema f : s.fields()) {
      io.quiver.serving.milvus.proto.FieldSchema.Builder fb = io.quiver.serving.milvus.proto.FieldSchema.newBuilder()
          .setFieldID(100 + f.id()).setName(f.name()).setIsPrimaryKey(f.isPrimaryKey())
          .setDataTypeValue(f.type().id()).setAutoID(f.isAutoId()).setNullable(f.isNullable())
          .setIsPartitionKey(f.isPartitionKey()).setDescription(f.description());
      if (f.type().isVector()) {
        fb.addTypeParams(kv("dim", Integer.toString(f.dim())));
      }
      if (f.type() == DataType.VARCHAR) {
        fb.addTypeParams(kv("max_length", Integer.toString(f.maxLength())));
      }
      if (f.defaultValue() != null) {
        fb.setDefaultValue(valueField(f.defaultValue()));
      }
      b.addFields(fb);
    }
    // The dynamic field is announced by enable_dynamic_field only, as Milvus's DescribeCollection does: the SDKs add
    // their own $meta column on insert and refuse a row without "$meta" when the schema lists it as a field.
    return b.build();
  }

  private static ValueField valueField(Object v) {
    ValueField.Builder b = ValueField.newBuilder();
    if (v instanceof Boolean) {
      b.setBoolData((Boolean) v);
    } else if (v instanceof Integer) {
      b.setIntData((Integer) v);
    } else if (v instanceof Long) {
      b.setLongData((Long) v);
    } else if (v instanceof Float) {
      b.setFloatData((Float) v);
    } else if (v instanceof Double) {
      b.setDoubleData((Double) v);
    } else {
      b.setStringData(v.toString());
    }
    return b.build();
  }

  static KeyValuePair kv(String k, String v) {
    return KeyValuePair.newBuilder().setKey(k).setValue(v).build();
  }

  /** {@code schema} with vector field {@code field}'s metric replaced. */
  public static CollectionSchema withMetric(CollectionSchema s, String field, MetricType metric) {
    CollectionSchema.Builder b = CollectionSchema.builder().dynamicField(s.dynamicField()).description(s.description())
        .version(s.version());
    for (FieldSchema f : s.fields()) {
      b.add(f.name().equals(field) ? f.toBuilder().metric(metric).build() : f);
    }
    return b.build();
  }
}
