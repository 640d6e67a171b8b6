package io.quiver.engine.wal;

import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.util.Utf8;

/**
 * The Avro binary body of an insert/upsert — the record {@link AvroSchemas#rowSchema} of one schema version —
 * written and read field by field in the Avro specification's binary encoding, straight from and into canonical
 * Java values: vectors go between {@code float[]} and the wire without a boxed {@code Float} per element or an
 * intermediate {@code GenericRecord}, which made most of the cost of decoding a WAL record.
 *
 * <p>Field order and types are exactly those of {@link AvroSchemas#rowSchema} (nullable fields are the union
 * {@code [null, T]}, FLOAT_VECTOR an array of float, VARCHAR and JSON strings, {@code __meta} a nullable string
 * last when the schema has a dynamic field), so the bytes are those a {@code GenericDatumWriter} of that schema
 * writes (pinned by the golden fixtures) and any Avro reader reads them. Not thread-safe (a reused buffer for vector
 * bytes), like the {@link WalCodec} that owns it.
 */
final class RowBody {
  private final CollectionSchema schema;
  private final FieldSchema[] fields;
  /** Text buffers start this large, so that the usual text never grows them (see {@link WalCodec}'s decoder). */
  private static final int TEXT_SCRATCH_BYTES = 256;
  /**
   * Vector bytes on their way from the decoder into a {@code float[]}: sized up front for the schema's vectors, for
   * the reason given at {@link WalCodec}'s decoder; it grows only for an oversized (corrupt or foreign) array.
   */
  private byte[] scratch;
  /** Text on its way from the decoder into a {@code String}. */
  private final Utf8 text = textScratch();

  RowBody(CollectionSchema schema) {
    this.schema = schema;
    List<FieldSchema> list = schema.fields();
    this.fields = list.toArray(new FieldSchema[0]);
    int chunk = 0;
    for (FieldSchema f : fields) {
      if (f.type().isVector()) {
        chunk = Math.max(chunk, chunkFloats(f));
      }
    }
    this.scratch = new byte[chunk * Float.BYTES];
  }

  /** A reusable text buffer for {@link #readString}. */
  static Utf8 textScratch() {
    return new Utf8(new byte[TEXT_SCRATCH_BYTES]);
  }

  /** Reads an Avro string through {@code scratch} (which grows only for text longer than it). */
  static String readString(BinaryDecoder in, Utf8 scratch) throws IOException {
    return in.readString(scratch).toString();
  }

  /** Floats copied per chunk of a vector array block. */
  private static int chunkFloats(FieldSchema f) {
    return Math.max(f.dim(), 64);
  }

  /** Writes a row validated against this body's schema. */
  void write(Row row, Encoder out) throws IOException {
    for (int i = 0; i < fields.length; i++) {
      FieldSchema f = fields[i];
      Object v = row.get(i);
      if (f.isNullable()) {
        out.writeIndex(v == null ? 0 : 1);
        if (v == null) {
          continue;
        }
      } else if (v == null) {
        throw new IllegalArgumentException("Cannot encode field '" + f.name() + "': null, but it is not nullable");
      }
      writeValue(f, v, out);
    }
    if (schema.dynamicField()) {
      String meta = row.meta();
      out.writeIndex(meta == null ? 0 : 1);
      if (meta != null) {
        out.writeString(meta);
      }
    }
  }

  private static void writeValue(FieldSchema f, Object v, Encoder out) throws IOException {
    switch (f.type()) {
      case BOOL -> out.writeBoolean((Boolean) v);
      case INT32 -> out.writeInt((Integer) v);
      case INT64 -> out.writeLong((Long) v);
      case FLOAT -> out.writeFloat((Float) v);
      case DOUBLE -> out.writeDouble((Double) v);
      case VARCHAR, JSON -> out.writeString((String) v);
      case FLOAT_VECTOR -> {
        float[] vec = (float[]) v;
        out.writeArrayStart();
        out.setItemCount(vec.length);
        for (float x : vec) {
          out.startItem();
          out.writeFloat(x);
        }
        out.writeArrayEnd();
      }
      default -> throw new IllegalStateException("Unhandled type " + f.type() + " of field " + f.name());
    }
  }

  /**
   * Reads a row; values are canonical Java values ({@code float[]} for vectors, {@code String} for text). Checks
   * only the encoding: schema constraints (dimension, finiteness, lengths, nulls) are the caller's.
   *
   * @throws IOException when the body is truncated or malformed
   */
  Row read(BinaryDecoder in) throws IOException {
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      FieldSchema f = fields[i];
      if (f.isNullable() && unionIndex(f.name(), in) == 0) {
        continue;
      }
      values[i] = readValue(f, in);
    }
    String meta = null;
    if (schema.dynamicField() && unionIndex(AvroSchemas.META_COLUMN, in) == 1) {
      meta = readString(in, text);
    }
    return new Row(values, meta);
  }

  private static int unionIndex(String field, BinaryDecoder in) throws IOException {
    int index = in.readIndex();
    if (index != 0 && index != 1) {
      throw new IOException("union index " + index + " of nullable field '" + field + "' is neither 0 (null) nor 1");
    }
    return index;
  }

  private Object readValue(FieldSchema f, BinaryDecoder in) throws IOException {
    return switch (f.type()) {
      case BOOL -> in.readBoolean();
      case INT32 -> in.readInt();
      case INT64 -> in.readLong();
      case FLOAT -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case VARCHAR, JSON -> readString(in, text);
      case FLOAT_VECTOR -> readFloats(f, in);
      default -> throw new IllegalStateException("Unhandled type " + f.type() + " of field " + f.name());
    };
  }

  /**
   * An Avro array of floats (one or more blocks) into a {@code float[]}. The array grows with what was read, never
   * with what a block count claims, so a corrupt count cannot allocate more than the record's bytes hold.
   */
  private float[] readFloats(FieldSchema f, BinaryDecoder in) throws IOException {
    float[] out = new float[f.dim()];
    int n = 0;
    byte[] raw = scratch;
    for (long block = in.readArrayStart(); block != 0; block = in.arrayNext()) {
      if (block < 0 || block > (Integer.MAX_VALUE - 8) / Float.BYTES - n) {
        throw new IOException("array block count " + block + " of field '" + f.name() + "' is out of range");
      }
      // Avro floats are 4 little-endian bytes each: copy a chunk of the block at a time, then convert in bulk
      // (readFixed fails on a truncated record before a chunk is filled, so a corrupt count allocates little)
      for (int left = (int) block; left > 0; ) {
        int chunk = Math.min(left, chunkFloats(f));
        if (raw.length < chunk * Float.BYTES) {
          raw = new byte[chunk * Float.BYTES];
          scratch = raw;
        }
        in.readFixed(raw, 0, chunk * Float.BYTES);
        if (n + chunk > out.length) {
          out = Arrays.copyOf(out, Math.max(n + chunk, out.length * 2));
        }
        ByteBuffer.wrap(raw, 0, chunk * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, n, chunk);
        n += chunk;
        left -= chunk;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }
}
