package io.quiver.serving.milvus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.ValidationException;
import io.quiver.serving.milvus.proto.BoolArray;
import io.quiver.serving.milvus.proto.DoubleArray;
import io.quiver.serving.milvus.proto.FieldData;
import io.quiver.serving.milvus.proto.FloatArray;
import io.quiver.serving.milvus.proto.IntArray;
import io.quiver.serving.milvus.proto.JSONArray;
import io.quiver.serving.milvus.proto.LongArray;
import io.quiver.serving.milvus.proto.ScalarField;
import io.quiver.serving.milvus.proto.StringArray;
import io.quiver.serving.milvus.proto.TemplateArrayValue;
import io.quiver.serving.milvus.proto.TemplateValue;
import io.quiver.serving.milvus.proto.VectorField;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Milvus's columnar {@code FieldData} ↔ Quiver rows (maps by field name), and filter template values to Java
 * values. Inserts arrive column by column; results leave the same way, nullable columns with {@code valid_data}.
 */
public final class FieldDataCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FieldDataCodec() {}

  /** Insert/upsert columns → rows; undeclared keys of the dynamic field ({@code $meta}) become row keys. */
  public static List<Map<String, Object>> rows(CollectionSchema schema, List<FieldData> columns, int numRows) {
    List<Map<String, Object>> rows = new ArrayList<>(numRows);
    for (int i = 0; i < numRows; i++) {
      rows.add(new LinkedHashMap<>());
    }
    for (FieldData fd : columns) {
      String name = fd.getFieldName();
      if (fd.getIsDynamic() || CollectionSchema.DYNAMIC_FIELD.equals(name)) {
        List<ByteString> metas = fd.getScalars().getJsonData().getDataList();
        for (int i = 0; i < Math.min(numRows, metas.size()); i++) {
          try {
            Map<String, Object> m = JSON.readValue(metas.get(i).toStringUtf8(), Map.class);
            for (Map.Entry<String, Object> e : m.entrySet()) {
              rows.get(i).putIfAbsent(e.getKey(), e.getValue());
            }
          } catch (IOException e) {
            throw new ValidationException("$meta", metas.get(i).toStringUtf8(), "not a JSON object (row " + i + ")");
          }
        }
        continue;
      }
      FieldSchema f = schema.field(name);
      if (f == null) {
        throw new ValidationException(name, name, "unknown field; the schema has " + schema.fieldNames());
      }
      List<Object> values = values(f, fd, numRows);
      for (int i = 0; i < numRows; i++) {
        boolean valid = fd.getValidDataCount() == 0 || fd.getValidData(i);
        Object v = valid ? values.get(i) : null;
        if (v != null || fd.getValidDataCount() > 0) {
          rows.get(i).put(name, v);
        }
      }
    }
    return rows;
  }

  private static List<Object> values(FieldSchema f, FieldData fd, int n) {
    List<Object> out = new ArrayList<>(n);
    if (f.type() == DataType.FLOAT_VECTOR) {
      List<Float> flat = fd.getVectors().getFloatVector().getDataList();
      long dim = fd.getVectors().getDim();
      if (dim != f.dim()) {
        throw new ValidationException(f.name(), "dim " + dim, "vectors have dimension " + dim + ", the field is "
            + f.typeString());
      }
      if (flat.size() != n * (long) f.dim()) {
        throw new ValidationException(f.name(), flat.size() + " floats", "expected " + n + " rows x " + f.dim());
      }
      for (int i = 0; i < n; i++) {
        float[] v = new float[f.dim()];
        for (int j = 0; j < v.length; j++) {
          v[j] = flat.get(i * f.dim() + j);
        }
        out.add(v);
      }
      return out;
    }
    ScalarField s = fd.getScalars();
    List<?> data;
    switch (f.type()) {
      case BOOL:
        data = s.getBoolData().getDataList();
        break;
      case INT32:
        data = s.getIntData().getDataList();
        break;
      case INT64:
        data = s.getLongData().getDataList();
        break;
      case FLOAT:
        data = s.getFloatData().getDataList();
        break;
      case DOUBLE:
        data = s.getDoubleData().getDataList();
        break;
      case JSON: {
        List<String> j = new ArrayList<>();
        s.getJsonData().getDataList().forEach(b -> j.add(b.toStringUtf8()));
        data = j;
        break;
      }
      default:
        data = s.getStringData().getDataList();
    }
    if (data.size() == n) {
      out.addAll(data);
    } else if (fd.getValidDataCount() == n) {
      // compact form: only valid rows carry data
      int k = 0;
      for (int i = 0; i < n; i++) {
        out.add(fd.getValidData(i) && k < data.size() ? data.get(k++) : null);
      }
    } else {
      throw new ValidationException(f.name(), data.size() + " values", "expected one value per row (" + n + ")");
    }
    return out;
  }

  /** One result column over {@code rows} (values by field name; vectors as float[]). */
  public static FieldData column(FieldSchema f, List<Map<String, Object>> rows) {
    FieldData.Builder b = FieldData.newBuilder().setFieldName(f.name()).setTypeValue(f.type().id())
        .setFieldId(100 + f.id());
    boolean nullable = f.isNullable();
    if (f.type() == DataType.FLOAT_VECTOR) {
      FloatArray.Builder fa = FloatArray.newBuilder();
      for (Map<String, Object> r : rows) {
        float[] v = (float[]) r.get(f.name());
        for (int j = 0; j < f.dim(); j++) {
          fa.addData(v == null ? 0f : v[j]);
        }
      }
      return b.setVectors(VectorField.newBuilder().setDim(f.dim()).setFloatVector(fa)).build();
    }
    ScalarField.Builder s = ScalarField.newBuilder();
    BoolArray.Builder bools = BoolArray.newBuilder();
    IntArray.Builder ints = IntArray.newBuilder();
    LongArray.Builder longs = LongArray.newBuilder();
    FloatArray.Builder floats = FloatArray.newBuilder();
    DoubleArray.Builder doubles = DoubleArray.newBuilder();
    StringArray.Builder strings = StringArray.newBuilder();
    JSONArray.Builder jsons = JSONArray.newBuilder();
    for (Map<String, Object> r : rows) {
      Object v = r.get(f.name());
      if (nullable) {
        b.addValidData(v != null);
      }
      switch (f.type()) {
        case BOOL:
          bools.addData(v != null && (Boolean) v);
          break;
        case INT32:
          ints.addData(v == null ? 0 : ((Number) v).intValue());
          break;
        case INT64:
          longs.addData(v == null ? 0L : ((Number) v).longValue());
          break;
        case FLOAT:
          floats.addData(v == null ? 0f : ((Number) v).floatValue());
          break;
        case DOUBLE:
          doubles.addData(v == null ? 0d : ((Number) v).doubleValue());
          break;
        case JSON:
          jsons.addData(ByteString.copyFrom(v == null ? "{}" : v.toString(), StandardCharsets.UTF_8));
          break;
        default:
          strings.addData(v == null ? "" : v.toString());
      }
    }
    switch (f.type()) {
      case BOOL:
        s.setBoolData(bools);
        break;
      case INT32:
        s.setIntData(ints);
        break;
      case INT64:
        s.setLongData(longs);
        break;
      case FLOAT:
        s.setFloatData(floats);
        break;
      case DOUBLE:
        s.setDoubleData(doubles);
        break;
      case JSON:
        s.setJsonData(jsons);
        break;
      default:
        s.setStringData(strings);
    }
    return b.setScalars(s).build();
  }

  /** The {@code $meta} column of {@code rows}: the dynamic {@code keys} asked for ({@code $meta} itself: all). */
  public static FieldData dynamicColumn(List<String> keys, List<Map<String, Object>> rows) {
    JSONArray.Builder jsons = JSONArray.newBuilder();
    for (Map<String, Object> r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String k : keys) {
        if (CollectionSchema.DYNAMIC_FIELD.equals(k) && r.get(k) instanceof Map<?, ?> all) {
          all.forEach((key, v) -> m.put(String.valueOf(key), v)); // "*": every dynamic key of the row
        } else if (r.containsKey(k)) {
          m.put(k, r.get(k));
        }
      }
      try {
        jsons.addData(ByteString.copyFrom(JSON.writeValueAsBytes(m)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return FieldData.newBuilder().setFieldName(CollectionSchema.DYNAMIC_FIELD).setIsDynamic(true)
        .setType(io.quiver.serving.milvus.proto.DataType.JSON)
        .setScalars(ScalarField.newBuilder().setJsonData(jsons)).build();
  }

  /** Filter template values ({@code expr_template_values}) → Java values for {@code Predicates.parse}. */
  public static Map<String, Object> templateValues(Map<String, TemplateValue> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, template(v)));
    return out;
  }

  private static Object template(TemplateValue v) {
    switch (v.getValCase()) {
      case BOOL_VAL:
        return v.getBoolVal();
      case INT64_VAL:
        return v.getInt64Val();
      case FLOAT_VAL:
        return v.getFloatVal();
      case STRING_VAL:
        return v.getStringVal();
      case ARRAY_VAL:
        return array(v.getArrayVal());
      default:
        return null;
    }
  }

  private static List<Object> array(TemplateArrayValue a) {
    switch (a.getDataCase()) {
      case BOOL_DATA:
        return new ArrayList<>(a.getBoolData().getDataList());
      case LONG_DATA:
        return new ArrayList<>(a.getLongData().getDataList());
      case DOUBLE_DATA:
        return new ArrayList<>(a.getDoubleData().getDataList());
      case STRING_DATA:
        return new ArrayList<>(a.getStringData().getDataList());
      case ARRAY_DATA: {
        List<Object> out = new ArrayList<>();
        a.getArrayData().getDataList().forEach(x -> out.add(array(x)));
        return out;
      }
      default:
        return new ArrayList<>();
    }
  }
}
