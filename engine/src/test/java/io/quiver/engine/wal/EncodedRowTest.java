package io.quiver.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EncodedRow} accepts only records {@link WalCodec} decodes, and reads the same values from them; everything it
 * declines is left to the codec.
 */
class EncodedRowTest {
  private final CollectionSchema docs = TestData.docs(8);
  private final WalCodec codec = new WalCodec(docs);

  @Test
  void readsEveryTypeAsTheCodecDecodesIt() {
    EncodedRow in = new EncodedRow(docs);
    List<Row> rows = TestData.docs(docs, -50, 300, 3); // negative keys too (long zigzag varints)
    for (int n = 0; n < rows.size(); n++) {
      Row row = rows.get(n);
      WalRecord r = n % 3 == 0 ? WalRecord.upsert(docs.version(), "p" + (n % 2), row.get(0), row)
          : WalRecord.insert(docs.version(), "_default", row.get(0), row);
      byte[] value = padded(codec.encode(r), 5);
      assertThat(in.parse(value, 5, value.length - 10)).as("row %s parsed", n).isTrue();
      assertSame(in, codec.decode(value, 5, value.length - 10), "row " + n);
      assertThat(in.isKey(Sharding.keyBytes(row.get(0)), 0, 8)).isTrue();
      assertThat(in.isKey(Sharding.keyBytes((Long) row.get(0) + 1), 0, 8)).isFalse();
      assertThat(in.isKey(value, 0, -1)).as("no key").isFalse();
    }
  }

  @Test
  void aVarcharKeyIsItsBytes() {
    CollectionSchema s = CollectionSchema.builder().varcharPrimaryKey("k", 20).vector("v", 2, MetricType.IP).build();
    EncodedRow in = new EncodedRow(s);
    WalCodec c = new WalCodec(s);
    byte[] value = c.encode(WalRecord.insert(1, "_default", "key-7", Row.of(s, Map.of("k", "key-7",
        "v", new float[] {1, 2}))));
    assertThat(in.parse(value, 0, value.length)).isTrue();
    assertSame(in, c.decode(value), "key-7");
    byte[] key = Sharding.keyBytes("key-7");
    assertThat(in.isKey(key, 0, key.length)).isTrue();
    assertThat(in.isKey(key, 0, key.length - 1)).isFalse();
    assertThat(in.isKey(Sharding.keyBytes("key-8"), 0, key.length)).isFalse();
  }

  @Test
  void declinesWhatTheCodecConvertsOrDecodesOtherwise() {
    EncodedRow in = new EncodedRow(docs);
    Row accented = TestData.docs(docs, 1, 1, 1).get(0).with(2, "déjà vu");
    byte[] value = codec.encode(WalRecord.insert(1, "_default", 1L, accented));
    assertThat(in.parse(value, 0, value.length)).as("non-ASCII text").isFalse();
    assertThat(codec.decode(value).row()).isEqualTo(accented);

    byte[] delete = codec.encode(WalRecord.delete(1, "_default", 1L));
    assertThat(in.parse(delete, 0, delete.length)).as("a delete").isFalse();

    CollectionSchema v2 = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.L2)
        .scalar("extra", DataType.INT32).version(2).build();
    CollectionSchema v1 = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.L2)
        .build();
    byte[] old = new WalCodec(v1).encode(WalRecord.insert(1, "_default", 7L,
        Row.of(v1, Map.of("id", 7L, "v", new float[] {1, 2}))));
    assertThat(new EncodedRow(v2).parse(old, 0, old.length)).as("an older schema version").isFalse();
    assertThat(new WalCodec(v2, List.of(v1)).decode(old).pk()).isEqualTo(7L);
  }

  @Test
  void declinesEveryPoisonRecordTheCodecRefuses() {
    EncodedRow in = new EncodedRow(docs);
    Row row = TestData.docs(docs, 4, 1, 1).get(0);
    byte[] good = codec.encode(WalRecord.insert(1, "_default", 4L, row));
    int vector = indexOf(good, floatBytes(((float[]) row.get(1))[0]));
    assertThat(vector).as("the vector's first float in the record").isPositive();
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      byte[] b = good.clone();
      System.arraycopy(floatBytes(bad), 0, b, vector, 4);
      assertRefused(in, b, "element 0 is " + bad);
    }
    byte[] badMagic = good.clone();
    badMagic[1] = 'X';
    assertRefused(in, badMagic, "bad magic");
    assertRefused(in, Arrays.copyOf(good, good.length - 1), "malformed INSERT body");
    assertRefused(in, Arrays.copyOf(good, good.length + 1), "trailing bytes");
    assertRefused(in, Arrays.copyOf(good, 6), "too short");

    CollectionSchema longTitles = CollectionSchema.builder().int64PrimaryKey("id", false)
        .vector("emb", 8, MetricType.L2).varchar("title", 100, true)
        .add(FieldSchema.builder("year", DataType.INT32).defaultValue(2000).build())
        .scalar("score", DataType.FLOAT).scalar("price", DataType.DOUBLE).scalar("ok", DataType.BOOL)
        .scalar("tags", DataType.JSON).dynamicField(true).build();
    byte[] tooLong = new WalCodec(longTitles).encode(WalRecord.insert(1, "_default", 4L,
        row.with(2, "x".repeat(65))));
    assertRefused(in, tooLong, "exceeds VARCHAR max_length 64");
  }

  /**
   * Corrupted records (a byte changed, dropped or added anywhere): whatever {@link EncodedRow} accepts, the codec
   * decodes to the same values.
   */
  @Test
  void whatItAcceptsOfCorruptedRecordsTheCodecDecodesTheSame() {
    EncodedRow in = new EncodedRow(docs);
    Random rnd = new Random(11);
    List<Row> rows = TestData.docs(docs, 0, 50, 5);
    int accepted = 0;
    int refusedByBoth = 0;
    for (int n = 0; n < 20_000; n++) {
      Row row = rows.get(n % rows.size());
      byte[] b = codec.encode(WalRecord.insert(1, "_default", row.get(0), row));
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(3)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> {
          byte[] shorter = new byte[b.length - 1];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
          b = shorter;
        }
        default -> {
          byte[] longer = new byte[b.length + 1];
          System.arraycopy(b, 0, longer, 0, at);
          longer[at] = (byte) rnd.nextInt(256);
          System.arraycopy(b, at, longer, at + 1, b.length - at);
          b = longer;
        }
      }
      if (in.parse(b, 0, b.length)) {
        accepted++;
        assertSame(in, codec.decode(b), "corruption " + n);
      } else {
        try {
          codec.decode(b);
        } catch (WalDecodeException e) {
          refusedByBoth++;
        }
      }
    }
    assertThat(accepted).as("corruptions that leave a valid record (a changed float, digit, flag ...)")
        .isGreaterThan(2_000);
    assertThat(refusedByBoth).as("corruptions both refuse").isGreaterThan(2_000);
  }

  /** The finiteness check over little-endian bytes agrees with {@link Float#isFinite} on every float it is given. */
  @Test
  void finiteAgreesWithFloatIsFinite() {
    int[] special = {0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffffffff, 0x7f7fffff, 0xff7fffff, 0x00000001,
        0x80000000, 0, 0x3f800000, 0x7f000000, 0x00800000};
    Random rnd = new Random(3);
    for (int n = 0; n < 200_000; n++) {
      int dim = 1 + rnd.nextInt(9);
      ByteBuffer b = ByteBuffer.allocate(3 + dim * 4).order(ByteOrder.LITTLE_ENDIAN);
      boolean expected = true;
      for (int d = 0; d < dim; d++) {
        int bits = rnd.nextInt(4) == 0 ? special[rnd.nextInt(special.length)] : rnd.nextInt();
        b.putInt(3 + d * 4, bits);
        expected &= Float.isFinite(Float.intBitsToFloat(bits));
      }
      assertThat(EncodedRow.finite(b.array(), 3, 3 + dim * 4)).as("case %s", n).isEqualTo(expected);
    }
  }

  /** The record {@code in} parsed holds exactly {@code r}'s op, partition, values and dynamic fields. */
  private static void assertSame(EncodedRow in, WalRecord r, String what) {
    assertThat(in.op()).as("%s op", what).isEqualTo(r.op());
    assertThat(in.partition()).as("%s partition", what).isEqualTo(r.partition());
    CollectionSchema s = in.schema();
    Object[] values = new Object[s.fields().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value(in, s.fields().get(i), i);
    }
    String meta = in.hasMeta() ? new String(in.bytes(), in.metaStart(), in.metaLength(), StandardCharsets.UTF_8)
        : null;
    assertThat(new Row(values, meta)).as("%s row", what).isEqualTo(r.row());
  }

  private static Object value(EncodedRow in, FieldSchema f, int i) {
    if (in.isNull(i)) {
      return null;
    }
    return switch (f.type()) {
      case BOOL -> in.boolValue(i);
      case INT32 -> (int) in.longValue(i);
      case INT64 -> in.longValue(i);
      case FLOAT -> in.floatValue(i);
      case DOUBLE -> in.doubleValue(i);
      case VARCHAR, JSON -> new String(in.bytes(), in.start(i), in.length(i), StandardCharsets.UTF_8);
      case FLOAT_VECTOR -> {
        float[] v = new float[in.length(i) / 4];
        ByteBuffer.wrap(in.bytes(), in.start(i), in.length(i)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        yield v;
      }
    };
  }

  private void assertRefused(EncodedRow in, byte[] value, String reason) {
    assertThat(in.parse(value, 0, value.length)).as("parsed: %s", reason).isFalse();
    assertThatThrownBy(() -> codec.decode(value)).isInstanceOf(WalDecodeException.class).hasMessageContaining(reason);
  }

  private static byte[] padded(byte[] b, int pad) {
    byte[] out = new byte[b.length + 2 * pad];
    Arrays.fill(out, (byte) 0x7f);
    System.arraycopy(b, 0, out, pad, b.length);
    return out;
  }

  private static byte[] floatBytes(float f) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(f).array();
  }

  private static int indexOf(byte[] b, byte[] part) {
    for (int i = 0; i + part.length <= b.length; i++) {
      if (Arrays.equals(b, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }
}
