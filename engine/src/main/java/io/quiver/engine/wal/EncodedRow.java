package io.quiver.engine.wal;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An insert or upsert of one schema version, parsed in place: each field's value as a number, or as where its bytes
 * lie in the WAL record (text, vectors: a vector's Avro floats are already the little-endian floats a Parquet page
 * holds). A writer copies those bytes on ({@code SegmentWriter#write(EncodedRow, long, long)}) without a
 * {@link io.quiver.engine.schema.Row}, a {@code float[]} or a {@code String} per record, which made about half of a
 * seal's CPU when every record was decoded into objects first.
 *
 * <p>{@link #parse} takes only what it can check completely and cheaply: the current schema version, an insert or
 * upsert, a plain encoding (every vector in one array block of exactly its dimension, union indexes 0 or 1, no
 * overflowing varint), ASCII text within its VARCHAR {@code max_length}, finite vectors, a primary key, nothing
 * after the body. Everything else — deletes, older schema versions, non-ASCII text, and every poison record — it
 * declines, and the caller decodes the record with {@link WalCodec#decode}, which converts it or refuses it with the
 * reason; so what this accepts is only what {@code WalCodec} would decode, with the same values
 * ({@code EncodedRowTest} checks both on valid and on corrupted records), and no error message lives here.
 *
 * <p>Reused record after record: the values are valid until the next {@link #parse}, and only while the parsed
 * bytes stay unchanged. Not thread-safe.
 */
public final class EncodedRow {
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
      ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.LITTLE_ENDIAN);
  private static final int FLOAT_EXPONENT = 0x7f800000;
  private static final byte[] DEFAULT_PARTITION = WalRecord.DEFAULT_PARTITION.getBytes(StandardCharsets.US_ASCII);

  private final CollectionSchema schema;
  private final DataType[] types;
  private final boolean[] nullable;
  /** Per field: VARCHAR's max_length in bytes, a vector's dimension, otherwise 0. */
  private final int[] limit;
  private final int pkPosition;
  private final boolean stringPk;

  private byte[] buf;
  private boolean valid;
  private WalOp op;
  private final boolean[] isNull;
  /** Per field: BOOL 0 or 1, INT32 and INT64 the value, FLOAT and DOUBLE the IEEE bits. */
  private final long[] bits;
  /** Per field: where a text's or vector's bytes start in {@link #bytes()}, and how many there are. */
  private final int[] start;
  private final int[] length;
  private int metaStart;
  private int metaLength = -1;
  private int partitionStart;
  private int partitionLength;
  /** The last partition name made into a String, and its bytes, so that a run of one partition makes it once. */
  private String partition = WalRecord.DEFAULT_PARTITION;
  private byte[] partitionBytes = DEFAULT_PARTITION;

  /** Parse state: the next byte and the end of the record; a failed read sets {@link #pos} past {@link #end}. */
  private int pos;
  private int end;
  private int textStart;
  private int textLength;

  /** A reusable row for records of {@code schema}'s version. */
  public EncodedRow(CollectionSchema schema) {
    this.schema = schema;
    int n = schema.fields().size();
    this.types = new DataType[n];
    this.nullable = new boolean[n];
    this.limit = new int[n];
    for (int i = 0; i < n; i++) {
      FieldSchema f = schema.fields().get(i);
      types[i] = f.type();
      nullable[i] = f.isNullable();
      limit[i] = f.type() == DataType.VARCHAR ? f.maxLength() : f.type() == DataType.FLOAT_VECTOR ? f.dim() : 0;
    }
    this.pkPosition = schema.primaryKeyPosition();
    this.stringPk = schema.primaryKey().type() == DataType.VARCHAR;
    this.isNull = new boolean[n];
    this.bits = new long[n];
    this.start = new int[n];
    this.length = new int[n];
  }

  public CollectionSchema schema() {
    return schema;
  }

  /**
   * Parses the record value in {@code b[off, off + len)}; false when it is not an insert or upsert of this row's
   * schema version that passes every check (see the class comment): then decode it with {@link WalCodec#decode}.
   * Never throws for any bytes.
   */
  public boolean parse(byte[] b, int off, int len) {
    valid = false;
    if (len < WalCodec.HEADER_BYTES || off < 0 || len > b.length - off || b[off] != WalCodec.MAGIC_0
        || b[off + 1] != WalCodec.MAGIC_1 || b[off + 2] != WalCodec.FORMAT_VERSION) {
      return false;
    }
    int opId = b[off + 3];
    if (opId != WalOp.INSERT.id() && opId != WalOp.UPSERT.id()) {
      return false;
    }
    if (WalCodec.schemaVersion(b, off) != schema.version()) {
      return false;
    }
    buf = b;
    pos = off + WalCodec.HEADER_BYTES;
    end = off + len;
    if (!text(Integer.MAX_VALUE)) {
      return false;
    }
    partitionStart = textStart;
    partitionLength = textLength;
    for (int i = 0; i < types.length; i++) {
      if (nullable[i]) {
        long u = varint(5);
        if (u != 0 && u != 2) { // zigzag of 0 and 1
          return false;
        }
        isNull[i] = u == 0;
        if (isNull[i]) {
          if (i == pkPosition) {
            return false;
          }
          continue;
        }
      }
      isNull[i] = false;
      if (!value(i)) {
        return false;
      }
    }
    metaLength = -1;
    if (schema.dynamicField()) {
      long u = varint(5);
      if (u == 2) {
        if (!text(Integer.MAX_VALUE)) {
          return false;
        }
        metaStart = textStart;
        metaLength = textLength;
      } else if (u != 0) {
        return false;
      }
    }
    op = opId == WalOp.INSERT.id() ? WalOp.INSERT : WalOp.UPSERT;
    valid = pos == end;
    return valid;
  }

  /** Whether the last {@link #parse} accepted its record (the values below are that record's only then). */
  public boolean isValid() {
    return valid;
  }

  /** Drops the reference to the last parsed bytes (their buffer is about to be reused or freed). */
  public void clear() {
    buf = null;
    valid = false;
  }

  private boolean value(int i) {
    switch (types[i]) {
      case BOOL -> {
        if (pos >= end || (buf[pos] & 0xfe) != 0) {
          return false;
        }
        bits[i] = buf[pos++];
      }
      case INT32 -> {
        long u = varint(5);
        if (pos > end) {
          return false;
        }
        bits[i] = (int) (u >>> 1) ^ -(int) (u & 1);
      }
      case INT64 -> {
        long u = varint(10);
        if (pos > end) {
          return false;
        }
        bits[i] = (u >>> 1) ^ -(u & 1);
      }
      case FLOAT -> {
        if (end - pos < Float.BYTES) {
          return false;
        }
        bits[i] = (int) INT_LE.get(buf, pos);
        pos += Float.BYTES;
      }
      case DOUBLE -> {
        if (end - pos < Double.BYTES) {
          return false;
        }
        bits[i] = (long) LONG_LE.get(buf, pos);
        pos += Double.BYTES;
      }
      case VARCHAR, JSON -> {
        if (!text(types[i] == DataType.VARCHAR ? limit[i] : Integer.MAX_VALUE)) {
          return false;
        }
        start[i] = textStart;
        length[i] = textLength;
      }
      case FLOAT_VECTOR -> {
        return vector(i);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** One array block of exactly the dimension's finite floats, then the end-of-array block. */
  private boolean vector(int i) {
    int dim = limit[i];
    long count = varint(10);
    if (count != 2L * dim || pos > end || end - pos < dim * Float.BYTES + 1) {
      return false;
    }
    int from = pos;
    int to = from + dim * Float.BYTES;
    if (!finite(buf, from, to) || buf[to] != 0) {
      return false;
    }
    start[i] = from;
    length[i] = to - from;
    pos = to + 1;
    return true;
  }

  /**
   * Whether the little-endian floats in {@code b[from, to)} are all finite (no exponent of all ones: infinite or NaN).
   * Its time is the vector's first trip into the cache (a branch-free version reading two floats at a time was no
   * faster), which the copy into the page then does not pay again.
   */
  static boolean finite(byte[] b, int from, int to) {
    for (int p = from; p < to; p += Float.BYTES) {
      if (((int) INT_LE.get(b, p) & FLOAT_EXPONENT) == FLOAT_EXPONENT) {
        return false;
      }
    }
    return true;
  }

  /** An ASCII string of at most {@code maxBytes} bytes: its place in {@link #textStart}/{@link #textLength}. */
  private boolean text(int maxBytes) {
    long u = varint(10);
    if (pos > end || (u & 1) != 0 || (u >>> 1) > Math.min(maxBytes, end - pos)) {
      return false; // a negative or too long length
    }
    int n = (int) (u >>> 1);
    for (int p = pos; p < pos + n; p++) {
      if (buf[p] < 0) {
        return false; // not ASCII: WalCodec decodes it (and replaces malformed UTF-8 as it always has)
      }
    }
    textStart = pos;
    textLength = n;
    pos += n;
    return true;
  }

  /**
   * An unsigned varint (the zigzag encoding undone by the caller) of at most {@code maxBytes} bytes whose last byte
   * holds no bits beyond 32 (5 bytes) or 64 (10 bytes). On failure {@link #pos} ends past {@link #end}.
   */
  private long varint(int maxBytes) {
    long u = 0;
    for (int i = 0, shift = 0; i < maxBytes; i++, shift += 7) {
      if (pos >= end) {
        break;
      }
      int b = buf[pos++];
      u |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        boolean last = i == maxBytes - 1;
        if (last && (b & 0x7f) > (maxBytes == 5 ? 0x0f : 0x01)) {
          break;
        }
        return u;
      }
    }
    pos = end + 1;
    return -1;
  }

  /** The bytes the last {@link #parse} read (its {@code b}). */
  public byte[] bytes() {
    return buf;
  }

  public WalOp op() {
    return op;
  }

  public boolean isNull(int field) {
    return isNull[field];
  }

  public boolean boolValue(int field) {
    return bits[field] != 0;
  }

  /** An INT32 or INT64 field's value. */
  public long longValue(int field) {
    return bits[field];
  }

  public float floatValue(int field) {
    return Float.intBitsToFloat((int) bits[field]);
  }

  public double doubleValue(int field) {
    return Double.longBitsToDouble(bits[field]);
  }

  /** Where a VARCHAR's or JSON's ASCII bytes, or a vector's little-endian floats, start in {@link #bytes()}. */
  public int start(int field) {
    return start[field];
  }

  /** How many bytes a text or vector field's value has. */
  public int length(int field) {
    return length[field];
  }

  /** Whether the row carries dynamic fields ({@code $meta}, ASCII JSON text). */
  public boolean hasMeta() {
    return metaLength >= 0;
  }

  public int metaStart() {
    return metaStart;
  }

  public int metaLength() {
    return metaLength;
  }

  /** The partition name (the same String as long as consecutive rows name the same partition). */
  public String partition() {
    if (!Arrays.equals(buf, partitionStart, partitionStart + partitionLength, partitionBytes, 0,
        partitionBytes.length)) {
      partitionBytes = Arrays.copyOfRange(buf, partitionStart, partitionStart + partitionLength);
      partition = new String(partitionBytes, StandardCharsets.US_ASCII);
    }
    return partition;
  }

  /**
   * Whether {@code key[from, from + len)} is this row's primary key's bytes ({@link Sharding#keyBytes}: INT64 as 8
   * big-endian bytes, VARCHAR as its UTF-8); a negative {@code len} (no key) is not.
   */
  public boolean isKey(byte[] key, int from, int len) {
    if (stringPk) {
      return len >= 0 && Arrays.equals(key, from, from + len, buf, start[pkPosition],
          start[pkPosition] + length[pkPosition]);
    }
    return Sharding.isKeyOf(bits[pkPosition], key, from, len);
  }
}
