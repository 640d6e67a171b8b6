package io.quiver.engine.wal;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.schema.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Encodes and decodes WAL record values (the layout is in this package's {@code package-info}).
 *
 * <p>A codec knows every schema version a collection has had, so it decodes records written before a schema change.
 * Decoding checks the row against its schema (vector dimension, NaN, VARCHAR length, nulls) because WAL records may
 * come from any Kafka producer. Not thread-safe: it reuses its encoder and buffers; make one per thread.
 */
public final class WalCodec {
  static final byte MAGIC_0 = 'Q';
  static final byte MAGIC_1 = 'W';
  static final byte FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 8;

  private final CollectionSchema current;
  private final Map<Integer, Versioned> versions = new HashMap<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  private BinaryEncoder encoder;
  /**
   * Made here, not at the first decode, and reused: the JIT compiles the decode path with the branches a long-running
   * reader takes. Had each new codec (a new ingestion job, a restarted task) made its decoder and grown its text
   * buffer at its first record, the compiled code of the paths before it (which never took those branches) would be
   * thrown away and compiled again at every job start: seen as WalCodec.decode, RowBody.readValue and Avro's
   * configure/readString "made not entrant" when a second job started in the same JVM.
   */
  private final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(new byte[0], null);
  private final Utf8 text = RowBody.textScratch();

  /** A codec writing {@code current} and reading it and every schema in {@code older}. */
  public WalCodec(CollectionSchema current, List<CollectionSchema> older) {
    this.current = current;
    versions.put(current.version(), new Versioned(current));
    for (CollectionSchema s : older) {
      versions.putIfAbsent(s.version(), new Versioned(s));
    }
  }

  public WalCodec(CollectionSchema current) {
    this(current, List.of());
  }

  public CollectionSchema schema() {
    return current;
  }

  /** The record's value bytes. The row must have been validated against {@link #schema()}. */
  public byte[] encode(WalRecord record) {
    if (record.schemaVersion() != current.version()) {
      throw new IllegalArgumentException("This codec writes schema version " + current.version() + ", not "
          + record.schemaVersion());
    }
    Versioned v = versions.get(current.version());
    buffer.reset();
    buffer.write(MAGIC_0);
    buffer.write(MAGIC_1);
    buffer.write(FORMAT_VERSION);
    buffer.write(record.op().id());
    int sv = record.schemaVersion();
    buffer.write(sv >>> 24);
    buffer.write(sv >>> 16);
    buffer.write(sv >>> 8);
    buffer.write(sv);
    try {
      encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
      encoder.writeString(record.partition());
      if (record.op() == WalOp.DELETE) {
        writePk(encoder, record.pk());
      } else {
        v.body.write(record.row(), encoder);
      }
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot encode WAL record", e);
    }
    return buffer.toByteArray();
  }

  private static void writePk(BinaryEncoder enc, Object pk) throws IOException {
    if (pk instanceof Long) {
      enc.writeLong((Long) pk);
    } else {
      enc.writeString((String) pk);
    }
  }

  /**
   * Decodes a record value.
   *
   * @throws WalDecodeException for a poison record: bad magic, unknown format or schema version, truncated or
   *     malformed body, or a row that breaks its schema
   */
  public WalRecord decode(byte[] value) {
    if (value == null) {
      throw new WalDecodeException("record too short: null, a WAL record has an 8-byte header");
    }
    return decode(value, 0, value.length);
  }

  /**
   * Decodes the record value held in {@code buf[off, off + len)}.
   *
   * @throws WalDecodeException as {@link #decode(byte[])}
   */
  public WalRecord decode(byte[] buf, int off, int len) {
    if (len < HEADER_BYTES) {
      throw new WalDecodeException("record too short: " + len + " bytes, a WAL record has an 8-byte header");
    }
    if (buf[off] != MAGIC_0 || buf[off + 1] != MAGIC_1) {
      throw new WalDecodeException(String.format("bad magic 0x%02x%02x, expected 0x5157 ('QW')", buf[off],
          buf[off + 1]));
    }
    if (buf[off + 2] != FORMAT_VERSION) {
      throw new WalDecodeException("unknown WAL format version " + buf[off + 2] + ", this reader knows "
          + FORMAT_VERSION);
    }
    WalOp op;
    try {
      op = WalOp.fromId(buf[off + 3]);
    } catch (IllegalArgumentException e) {
      throw new WalDecodeException(e.getMessage());
    }
    int sv = schemaVersion(buf, off);
    Versioned v = versions.get(sv);
    if (v == null) {
      throw new WalDecodeException("unknown schema version " + sv + ", known " + versions.keySet());
    }
    try {
      DecoderFactory.get().binaryDecoder(buf, off + HEADER_BYTES, len - HEADER_BYTES, decoder); // reconfigures it
      String partition = RowBody.readString(decoder, text);
      WalRecord out;
      if (op == WalOp.DELETE) {
        Object pk = v.schema.primaryKey().type() == DataType.INT64 ? (Object) decoder.readLong()
            : RowBody.readString(decoder, text);
        out = WalRecord.delete(sv, partition, pk);
      } else {
        Row row = check(v.schema, v.body.read(decoder));
        Object pk = row.get(v.schema.primaryKeyPosition());
        if (pk == null) {
          throw new WalDecodeException("row has no primary key '" + v.schema.primaryKey().name() + "'");
        }
        out = new WalRecord(op, sv, partition, pk, row);
      }
      if (!decoder.isEnd()) {
        throw new WalDecodeException("trailing bytes after the record body");
      }
      return out;
    } catch (IOException | RuntimeException e) {
      if (e instanceof WalDecodeException) {
        throw (WalDecodeException) e;
      }
      throw new WalDecodeException("malformed " + op + " body for schema version " + sv + ": " + e, e);
    }
  }

  /** The schema version in the header of the record value at {@code buf[off]} (header bytes 4-7, big-endian). */
  static int schemaVersion(byte[] buf, int off) {
    return ((buf[off + 4] & 0xff) << 24) | ((buf[off + 5] & 0xff) << 16) | ((buf[off + 6] & 0xff) << 8)
        | (buf[off + 7] & 0xff);
  }

  private static Row check(CollectionSchema schema, Row row) {
    List<FieldSchema> fields = schema.fields();
    for (int i = 0; i < fields.size(); i++) {
      FieldSchema f = fields.get(i);
      Object val = row.get(i);
      try {
        if (val == null) {
          if (!f.isNullable() && !f.isAutoId()) {
            throw new ValidationException(f.name(), null, "null, but the field is not nullable");
          }
        } else if (f.type() == DataType.FLOAT_VECTOR || f.type() == DataType.VARCHAR) {
          Values.normalize(f, val);
        }
      } catch (ValidationException e) {
        throw new WalDecodeException(e.getMessage(), e);
      }
    }
    return row;
  }

  private static final class Versioned {
    final CollectionSchema schema;
    final RowBody body;

    Versioned(CollectionSchema schema) {
      this.schema = schema;
      this.body = new RowBody(schema);
    }
  }
}
