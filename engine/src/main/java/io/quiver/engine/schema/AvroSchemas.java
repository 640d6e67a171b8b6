package io.quiver.engine.schema;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * The one place that maps a {@link CollectionSchema} to Avro (WAL record bodies, Parquet segment files) and back,
 * and converts {@link Row}s to and from Avro records.
 *
 * <p>Mapping: BOOL→boolean, INT32→int, INT64→long, FLOAT→float, DOUBLE→double, VARCHAR→string, JSON→string,
 * FLOAT_VECTOR→array&lt;float&gt;; nullable fields are {@code ["null", T]} unions with a null default. Every Quiver
 * attribute (field id, primary key, auto id, max length, dimension, metric, partition key, default, JSON) is an Avro
 * field property prefixed {@code quiver.}, so {@link #fromAvro} restores the schema exactly. The dynamic field is the
 * nullable string {@value #META_COLUMN}. Segment files add the system columns {@value #SEQ_COLUMN} and
 * {@value #OFFSET_COLUMN} (see {@code io.quiver.engine.segment}).
 */
public final class AvroSchemas {
  /** Avro/Parquet column of the dynamic field ({@code $meta} is not a legal Avro name). */
  public static final String META_COLUMN = "__meta";
  /** Segment column: sequence number of the commit that first added the row; 0 = the segment's own commit. */
  public static final String SEQ_COLUMN = "__seq";
  /** Segment column: the row's WAL offset in its shard (or its position in a bulk import). */
  public static final String OFFSET_COLUMN = "__offset";

  private static final String P = "quiver.";

  private AvroSchemas() {}

  /** The Avro record schema of a row (WAL bodies). */
  public static Schema rowSchema(CollectionSchema schema) {
    return record(schema, false);
  }

  /** The Avro record schema of a segment file: the row plus {@code __seq} and {@code __offset}. */
  public static Schema segmentSchema(CollectionSchema schema) {
    return record(schema, true);
  }

  private static Schema record(CollectionSchema schema, boolean systemColumns) {
    List<Schema.Field> out = new ArrayList<>();
    for (FieldSchema f : schema.fields()) {
      out.add(toAvro(f));
    }
    if (schema.dynamicField()) {
      Schema.Field meta = new Schema.Field(META_COLUMN, nullable(Schema.create(Schema.Type.STRING)),
          "dynamic field $meta: JSON object of undeclared keys", JsonProperties.NULL_VALUE);
      out.add(meta);
    }
    if (systemColumns) {
      out.add(new Schema.Field(SEQ_COLUMN, Schema.create(Schema.Type.LONG), "commit sequence number, 0 = inherit", 0L));
      out.add(new Schema.Field(OFFSET_COLUMN, Schema.create(Schema.Type.LONG), "WAL offset within the shard", 0L));
    }
    Schema record = Schema.createRecord("QuiverRow", schema.description(), "io.quiver.row", false, out);
    record.addProp(P + "schema-version", schema.version());
    record.addProp(P + "dynamic-field", schema.dynamicField());
    return record;
  }

  private static Schema.Field toAvro(FieldSchema f) {
    Schema type;
    switch (f.type()) {
      case BOOL:
        type = Schema.create(Schema.Type.BOOLEAN);
        break;
      case INT32:
        type = Schema.create(Schema.Type.INT);
        break;
      case INT64:
        type = Schema.create(Schema.Type.LONG);
        break;
      case FLOAT:
        type = Schema.create(Schema.Type.FLOAT);
        break;
      case DOUBLE:
        type = Schema.create(Schema.Type.DOUBLE);
        break;
      case VARCHAR:
      case JSON:
        type = Schema.create(Schema.Type.STRING);
        break;
      case FLOAT_VECTOR:
        type = Schema.createArray(Schema.create(Schema.Type.FLOAT));
        break;
      default:
        throw new IllegalStateException("Unhandled type " + f.type());
    }
    Schema.Field field = f.isNullable()
        ? new Schema.Field(f.name(), nullable(type), f.description(), JsonProperties.NULL_VALUE)
        : new Schema.Field(f.name(), type, f.description());
    field.addProp(P + "id", f.id());
    field.addProp(P + "type", f.type().name());
    if (f.isPrimaryKey()) {
      field.addProp(P + "primary-key", true);
      field.addProp(P + "auto-id", f.isAutoId());
    }
    if (f.isPartitionKey()) {
      field.addProp(P + "partition-key", true);
    }
    if (f.maxLength() > 0) {
      field.addProp(P + "max-length", f.maxLength());
    }
    if (f.dim() > 0) {
      field.addProp(P + "dim", f.dim());
      field.addProp(P + "metric", f.metric().name());
    }
    if (f.defaultValue() != null) {
      field.addProp(P + "default", SchemaParser.valueToJson(f.defaultValue()));
    }
    return field;
  }

  private static Schema nullable(Schema type) {
    return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
  }

  /** Restores the collection schema from an Avro schema written by {@link #rowSchema} or {@link #segmentSchema}. */
  public static CollectionSchema fromAvro(Schema avro) {
    CollectionSchema.Builder b = CollectionSchema.builder();
    for (Schema.Field af : avro.getFields()) {
      Object typeProp = af.getObjectProp(P + "type");
      if (typeProp == null) {
        continue; // system columns
      }
      DataType type = DataType.valueOf(typeProp.toString());
      FieldSchema.Builder f = FieldSchema.builder(af.name(), type)
          .id(intProp(af, "id"))
          .nullable(af.schema().getType() == Schema.Type.UNION)
          .primaryKey(Boolean.TRUE.equals(af.getObjectProp(P + "primary-key")))
          .autoId(Boolean.TRUE.equals(af.getObjectProp(P + "auto-id")))
          .partitionKey(Boolean.TRUE.equals(af.getObjectProp(P + "partition-key")))
          .maxLength(intProp(af, "max-length"))
          .dim(intProp(af, "dim"))
          .description(af.doc());
      Object metric = af.getObjectProp(P + "metric");
      if (metric != null) {
        f.metric(MetricType.valueOf(metric.toString()));
      }
      Object dflt = af.getObjectProp(P + "default");
      if (dflt != null) {
        f.defaultValue(SchemaParser.valueFromJson(type, dflt.toString()));
      }
      b.add(f.build());
    }
    Object version = avro.getObjectProp(P + "schema-version");
    Object dynamic = avro.getObjectProp(P + "dynamic-field");
    return b.version(version == null ? 1 : ((Number) version).intValue())
        .dynamicField(Boolean.TRUE.equals(dynamic))
        .description(avro.getDoc())
        .build();
  }

  private static int intProp(Schema.Field f, String name) {
    Object v = f.getObjectProp(P + name);
    return v == null ? 0 : ((Number) v).intValue();
  }

  /** Fills {@code record} (of {@link #rowSchema} or {@link #segmentSchema}) from {@code row}. */
  public static void toRecord(CollectionSchema schema, Row row, GenericRecord record) {
    List<FieldSchema> fields = schema.fields();
    for (int i = 0; i < fields.size(); i++) {
      Object v = row.get(i);
      if (v instanceof float[]) {
        v = new FloatArray((float[]) v, record.getSchema().getFields().get(i).schema());
      }
      record.put(i, v);
    }
    if (schema.dynamicField()) {
      record.put(fields.size(), row.meta());
    }
  }

  /** Reads a row back from a record of {@link #rowSchema} or {@link #segmentSchema}. */
  public static Row fromRecord(CollectionSchema schema, GenericRecord record) {
    List<FieldSchema> fields = schema.fields();
    Object[] values = new Object[fields.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = fromAvroValue(fields.get(i), record.get(i));
    }
    String meta = null;
    if (schema.dynamicField()) {
      Object m = record.get(fields.size());
      meta = m == null ? null : m.toString();
    }
    return new Row(values, meta);
  }

  /** Converts one Avro datum (Utf8, GenericArray&lt;Float&gt;, ...) to the canonical Java value. */
  public static Object fromAvroValue(FieldSchema f, Object v) {
    if (v == null) {
      return null;
    }
    switch (f.type()) {
      case VARCHAR:
      case JSON:
        return v instanceof Utf8 || !(v instanceof String) ? v.toString() : v;
      case FLOAT_VECTOR:
        return toFloats(v);
      default:
        return v;
    }
  }

  /** Copies an Avro array of floats into a new {@code float[]}, without boxing where Avro allows. */
  public static float[] toFloats(Object v) {
    if (v instanceof float[]) {
      return (float[]) v;
    }
    if (v instanceof GenericData.AbstractArray && v instanceof List) {
      @SuppressWarnings("unchecked")
      List<Float> list = (List<Float>) v;
      float[] out = new float[list.size()];
      if (v instanceof FloatArray) {
        System.arraycopy(((FloatArray) v).values, 0, out, 0, out.length);
        return out;
      }
      for (int i = 0; i < out.length; i++) {
        out[i] = list.get(i);
      }
      return out;
    }
    if (v instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) v).duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[b.remaining() / 4];
      b.asFloatBuffer().get(out);
      return out;
    }
    List<?> list = (List<?>) v;
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).floatValue();
    }
    return out;
  }

  /** An Avro array view over a {@code float[]}: writing a vector boxes nothing until a writer asks per element. */
  static final class FloatArray extends GenericData.AbstractArray<Float> {
    final float[] values;

    FloatArray(float[] values, Schema schema) {
      super(schema.getType() == Schema.Type.UNION ? schema.getTypes().get(1) : schema);
      this.values = values;
      this.size = values.length;
    }

    @Override
    public Float get(int i) {
      return values[i];
    }

    @Override
    protected void swap(int index1, int index2) {
      float t = values[index1];
      values[index1] = values[index2];
      values[index2] = t;
    }

    @Override
    public Float peek() {
      return null;
    }

    @Override
    public void add(int location, Float o) {
      throw new UnsupportedOperationException("read-only view of a vector");
    }

    @Override
    public Float set(int i, Float o) {
      throw new UnsupportedOperationException("read-only view of a vector");
    }

    @Override
    public Float remove(int i) {
      throw new UnsupportedOperationException("read-only view of a vector");
    }

    @Override
    public void prune() {}
  }
}
