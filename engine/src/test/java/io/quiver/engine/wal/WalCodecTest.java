package io.quiver.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class WalCodecTest {
  /** A fixed schema whose encoding is pinned by the golden fixtures: never change it. */
  static final CollectionSchema GOLDEN = CollectionSchema.builder()
      .int64PrimaryKey("id", false)
      .vector("v", 3, MetricType.L2)
      .varchar("name", 16, true)
      .scalar("n", DataType.INT32)
      .scalar("j", DataType.JSON)
      .dynamicField(true)
      .version(2)
      .build();

  private static Row goldenRow() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", 42L);
    m.put("v", new float[] {1f, -2.5f, 0.125f});
    m.put("name", "quiver");
    m.put("n", null);
    m.put("j", "{\"a\":[1,2]}");
    m.put("extra", true);
    return Row.of(GOLDEN, m);
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = WalCodecTest.class.getResourceAsStream("/wal/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", "");
      return HexFormat.of().parseHex(hex);
    }
  }

  @Test
  void upsertMatchesGoldenBytes() throws IOException {
    WalCodec codec = new WalCodec(GOLDEN);
    WalRecord rec = WalRecord.upsert(2, "_default", 42L, goldenRow());
    byte[] golden = fixture("v1-upsert.hex");
    assertThat(HexFormat.of().formatHex(codec.encode(rec))).isEqualTo(HexFormat.of().formatHex(golden));
    assertThat(codec.decode(golden)).isEqualTo(rec);
  }

  @Test
  void deleteMatchesGoldenBytes() throws IOException {
    WalCodec codec = new WalCodec(GOLDEN);
    WalRecord rec = WalRecord.delete(2, "p1", 42L);
    byte[] golden = fixture("v1-delete.hex");
    assertThat(HexFormat.of().formatHex(codec.encode(rec))).isEqualTo(HexFormat.of().formatHex(golden));
    assertThat(codec.decode(golden)).isEqualTo(rec);
  }

  /** The direct body codec against Avro's own generic writer of the same schema: every type, nulls, $meta. */
  @Test
  void bodyIsAvrosEncodingOfTheRowSchema() throws IOException {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 5, MetricType.COSINE)
        .add(io.quiver.engine.schema.FieldSchema.builder("b", DataType.BOOL).build()).scalar("i", DataType.INT32).scalar("f", DataType.FLOAT)
        .scalar("d", DataType.DOUBLE).varchar("name", 40, true).scalar("j", DataType.JSON)
        .vector("w", 2, MetricType.L2).dynamicField(true).build();
    org.apache.avro.Schema avro = io.quiver.engine.schema.AvroSchemas.rowSchema(s);
    Random rnd = new Random(11);
    RowBody body = new RowBody(s);
    for (int n = 0; n < 200; n++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", rnd.nextLong());
      float[] v = new float[5];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) rnd.nextGaussian();
      }
      m.put("v", v);
      m.put("b", rnd.nextBoolean());
      m.put("i", rnd.nextInt());
      m.put("f", rnd.nextFloat());
      m.put("d", rnd.nextDouble());
      m.put("name", rnd.nextBoolean() ? null : "n\u00e9" + rnd.nextInt(1000));
      m.put("j", "{\"k\":" + rnd.nextInt(9) + "}");
      m.put("w", new float[] {rnd.nextFloat(), -rnd.nextFloat()});
      if (rnd.nextBoolean()) {
        m.put("extra" + rnd.nextInt(3), rnd.nextInt(5));
      }
      Row row = Row.of(s, m);
      java.io.ByteArrayOutputStream ours = new java.io.ByteArrayOutputStream();
      org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(ours, null);
      body.write(row, enc);
      enc.flush();
      java.io.ByteArrayOutputStream theirs = new java.io.ByteArrayOutputStream();
      org.apache.avro.generic.GenericRecord rec = new org.apache.avro.generic.GenericData.Record(avro);
      io.quiver.engine.schema.AvroSchemas.toRecord(s, row, rec);
      org.apache.avro.io.BinaryEncoder enc2 = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(theirs,
          null);
      new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(avro).write(rec, enc2);
      enc2.flush();
      assertThat(ours.toByteArray()).as("bytes of row %s", n).isEqualTo(theirs.toByteArray());
      Row back = body.read(org.apache.avro.io.DecoderFactory.get().binaryDecoder(theirs.toByteArray(), null));
      assertThat(back).as("row %s read back", n).isEqualTo(row);
    }
  }

  @Test
  void aVectorSplitIntoSeveralArrayBlocksIsOneVector() throws IOException {
    CollectionSchema s = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 3, MetricType.L2).build();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(bytes, null);
    enc.writeLong(9L);
    enc.writeLong(2); // a block of 2, then a block of 1, then the end
    enc.writeFloat(1f);
    enc.writeFloat(2f);
    enc.writeLong(1);
    enc.writeFloat(3f);
    enc.writeLong(0);
    enc.flush();
    Row r = new RowBody(s).read(org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertThat((float[]) r.get(1)).containsExactly(1f, 2f, 3f);
    assertThat(r.get(0)).isEqualTo(9L);
  }

  @Test
  void varcharKeysRoundTrip() {
    CollectionSchema s = CollectionSchema.builder().varcharPrimaryKey("k", 20).vector("v", 2, MetricType.IP).build();
    WalCodec codec = new WalCodec(s);
    Row row = Row.of(s, Map.of("k", "ключ", "v", new float[] {1, 2}));
    for (WalRecord r : new WalRecord[] {WalRecord.insert(1, "_default", "ключ", row),
        WalRecord.delete(1, "_default", "ключ")}) {
      assertThat(codec.decode(codec.encode(r))).isEqualTo(r);
    }
  }

  @Test
  void oneCodecDecodesTextOfAnyLengthInAnyOrder() {
    // the codec reuses its decoder and its text buffers (made up front, 256 bytes): text longer than them, then
    // shorter again, in the partition, the key, a field and $meta, each decodes to exactly what was written
    CollectionSchema s = CollectionSchema.builder().varcharPrimaryKey("k", 4000).vector("v", 1000, MetricType.L2)
        .varchar("t", 9000, true).dynamicField(true).build();
    WalCodec codec = new WalCodec(s);
    for (int len : new int[] {3, 300, 4000, 0, 255, 256, 257, 5}) {
      String text = "é".repeat(len / 2) + "x".repeat(len % 2);
      float[] v = new float[1000];
      java.util.Arrays.fill(v, len);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("k", "k" + text.substring(0, Math.min(text.length(), 1000)));
      m.put("v", v);
      m.put("t", len == 0 ? null : text);
      m.put("note", text);
      Row row = Row.of(s, m);
      WalRecord r = WalRecord.upsert(s.version(), "p" + text, m.get("k"), row);
      assertThat(codec.decode(codec.encode(r))).as("text of %d bytes", len).isEqualTo(r);
      WalRecord d = WalRecord.delete(s.version(), "_default", m.get("k"));
      assertThat(codec.decode(codec.encode(d))).isEqualTo(d);
    }
  }

  @Test
  void olderSchemaVersionsStayReadable() {
    CollectionSchema v1 = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.L2).build();
    byte[] old = new WalCodec(v1).encode(WalRecord.insert(1, "_default", 7L,
        Row.of(v1, Map.of("id", 7L, "v", new float[] {1, 2}))));
    CollectionSchema v2 = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.L2)
        .scalar("extra", DataType.INT32).version(2).build();
    WalRecord r = new WalCodec(v2, java.util.List.of(v1)).decode(old);
    assertThat(r.schemaVersion()).isEqualTo(1);
    assertThat(r.pk()).isEqualTo(7L);
    assertThatThrownBy(() -> new WalCodec(v2).decode(old)).isInstanceOf(WalDecodeException.class)
        .hasMessageContaining("unknown schema version 1");
  }

  @Test
  void poisonRecordsAreRefusedWithReasons() throws IOException {
    WalCodec codec = new WalCodec(GOLDEN);
    byte[] good = fixture("v1-upsert.hex");
    assertThatThrownBy(() -> codec.decode(new byte[] {1, 2})).hasMessageContaining("too short");
    byte[] badMagic = good.clone();
    badMagic[0] = 'X';
    assertThatThrownBy(() -> codec.decode(badMagic)).hasMessageContaining("bad magic");
    byte[] badVersion = good.clone();
    badVersion[2] = 9;
    assertThatThrownBy(() -> codec.decode(badVersion)).hasMessageContaining("unknown WAL format version 9");
    byte[] badOp = good.clone();
    badOp[3] = 7;
    assertThatThrownBy(() -> codec.decode(badOp)).hasMessageContaining("Unknown WAL op id 7");
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
    assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(WalDecodeException.class)
        .hasMessageContaining("malformed UPSERT body");
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> codec.decode(trailing)).hasMessageContaining("trailing bytes");
    // A 2-d vector in a 3-d collection written by some other producer:
    CollectionSchema twoD = CollectionSchema.builder().int64PrimaryKey("id", false).vector("v", 2, MetricType.L2)
        .varchar("name", 16, true).scalar("n", DataType.INT32).scalar("j", DataType.JSON)
        .dynamicField(true).version(2).build();
    byte[] wrongDim = new WalCodec(twoD).encode(WalRecord.insert(2, "_default", 1L,
        Row.of(twoD, Map.of("id", 1L, "v", new float[] {1, 2}))));
    assertThatThrownBy(() -> codec.decode(wrongDim)).isInstanceOf(WalDecodeException.class)
        .hasMessageContaining("'v'").hasMessageContaining("dimension 2 does not match FLOAT_VECTOR(3)");
  }

  @Test
  void shardingAgreesWithKafkasPartitioner() {
    Random rnd = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] key = new byte[rnd.nextInt(40)];
      rnd.nextBytes(key);
      assertThat(Sharding.murmur2(key)).isEqualTo(Utils.murmur2(key));
      int shards = 1 + rnd.nextInt(64);
      assertThat(Sharding.shardOfKey(key, shards)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % shards);
    }
    assertThat(Sharding.keyBytes(1L)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
    assertThat(Sharding.pkFromKeyBytes(Sharding.keyBytes(-5L), false)).isEqualTo(-5L);
    assertThat(Sharding.pkFromKeyBytes(Sharding.keyBytes("é"), true)).isEqualTo("é");
  }

  @Test
  void partitionKeyValuesHashIntoMilvusNamedPartitions() {
    java.util.List<String> parts = Sharding.partitionKeyPartitions(4);
    assertThat(parts).containsExactly("_default_0", "_default_1", "_default_2", "_default_3");
    java.util.Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      String p = Sharding.partitionOfKey("tenant-" + i, parts);
      assertThat(p).as("same value, same partition").isEqualTo(Sharding.partitionOfKey("tenant-" + i, parts));
      assertThat(parts.indexOf(p)).isEqualTo((Utils.murmur2(("tenant-" + i).getBytes(
          java.nio.charset.StandardCharsets.UTF_8)) & 0x7fffffff) % 4);
      used.add(p);
    }
    assertThat(used).as("200 values spread over every partition").hasSize(4);
    assertThat(Sharding.partitionOfKey(null, parts)).isEqualTo("_default_0");
    assertThatThrownBy(() -> Sharding.partitionKeyPartitions(0)).hasMessageContaining("num_partitions")
        .hasMessageContaining("1 to 1024");
  }
}
