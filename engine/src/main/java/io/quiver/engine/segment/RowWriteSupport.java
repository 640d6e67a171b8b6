package io.quiver.engine.segment;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes {@link Row}s straight into Parquet's record consumer, in exactly the layout parquet-avro gives the segment's
 * Avro schema ({@code data.parquet}, see {@code package-info}): the Parquet schema is parquet-avro's conversion of that
 * Avro schema and the footer carries the Avro schema under {@value #AVRO_SCHEMA_KEY}, so files read the same by
 * every reader. Writing without Avro records saves building a record per row and boxing every vector element, which
 * made most of a seal's time.
 */
final class RowWriteSupport extends WriteSupport<RowWriteSupport.SegmentRow> {
  /** The footer key parquet-avro reads its Avro schema from. */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  /** One row of a segment file: the row plus its system columns. */
  record SegmentRow(Row row, long seq, long offset) {}

  private final CollectionSchema schema;
  private final Schema avro;
  private final int metaPos;
  private final int seqPos;
  private final String[] names;
  private MessageType parquet;
  private RecordConsumer out;

  RowWriteSupport(CollectionSchema schema, Schema avro, int metaPos, int seqPos) {
    this.schema = schema;
    this.avro = avro;
    this.metaPos = metaPos;
    this.seqPos = seqPos;
    this.names = avro.getFields().stream().map(Schema.Field::name).toArray(String[]::new);
  }

  @Override
  public String getName() {
    return "avro"; // the object model whose mapping the file follows
  }

  @Override
  public WriteContext init(Configuration conf) {
    parquet = new AvroSchemaConverter(conf).convert(avro);
    Map<String, String> meta = new HashMap<>();
    meta.put(AVRO_SCHEMA_KEY, avro.toString());
    return new WriteContext(parquet, meta);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(SegmentRow r) {
    out.startMessage();
    List<FieldSchema> fields = schema.fields();
    for (int i = 0; i < fields.size(); i++) {
      Object v = r.row().get(i);
      if (v != null) {
        out.startField(names[i], i);
        writeValue(fields.get(i), v);
        out.endField(names[i], i);
      }
    }
    if (metaPos >= 0 && r.row().meta() != null) {
      out.startField(names[metaPos], metaPos);
      out.addBinary(Binary.fromString(r.row().meta()));
      out.endField(names[metaPos], metaPos);
    }
    writeLong(seqPos, r.seq());
    writeLong(seqPos + 1, r.offset());
    out.endMessage();
  }

  private void writeLong(int pos, long v) {
    out.startField(names[pos], pos);
    out.addLong(v);
    out.endField(names[pos], pos);
  }

  private void writeValue(FieldSchema f, Object v) {
    switch (f.type()) {
      case BOOL -> out.addBoolean((Boolean) v);
      case INT32 -> out.addInteger((Integer) v);
      case INT64 -> out.addLong((Long) v);
      case FLOAT -> out.addFloat((Float) v);
      case DOUBLE -> out.addDouble((Double) v);
      case VARCHAR, JSON -> out.addBinary(Binary.fromString((String) v));
      case FLOAT_VECTOR -> writeVector((float[]) v);
      default -> throw new IllegalStateException("Unhandled type " + f.type() + " of field " + f.name());
    }
  }

  /** A 3-level list: {@code group (LIST) { repeated group list { required float element } }}, "list" absent if empty. */
  private void writeVector(float[] v) {
    out.startGroup();
    if (v.length > 0) {
      out.startField("list", 0);
      for (float x : v) {
        out.startGroup();
        out.startField("element", 0);
        out.addFloat(x);
        out.endField("element", 0);
        out.endGroup();
      }
      out.endField("list", 0);
    }
    out.endGroup();
  }
}
