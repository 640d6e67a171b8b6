package io.quiver.engine.wal;

import io.quiver.engine.schema.ValidationException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Which shard (Kafka partition of the WAL topic) a primary key belongs to.
 *
 * <p>The Kafka record key is the primary key's bytes ({@link #keyBytes}): an INT64 as 8 big-endian bytes, a VARCHAR
 * as its UTF-8 bytes. The shard is {@code toPositive(murmur2(key)) % shards}, exactly what Kafka's default
 * partitioner computes for a keyed record, so every producer (gRPC, Flink SQL, Spark, a plain Kafka producer) puts a
 * key in the same shard. The murmur2 variant is Kafka's (seed 0x9747b28c, signed bytes); a unit test checks it against
 * {@code org.apache.kafka.common.utils.Utils.murmur2}. It is written here so that the engine needs no Kafka jar.
 */
public final class Sharding {
  private static final VarHandle LONG_BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.BIG_ENDIAN);

  private Sharding() {}

  /** The Kafka record key of a primary key. */
  public static byte[] keyBytes(Object pk) {
    if (pk instanceof Long) {
      return ByteBuffer.allocate(Long.BYTES).putLong((Long) pk).array();
    }
    if (pk instanceof String) {
      return ((String) pk).getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException("A primary key is a Long or a String, not " + (pk == null ? null : pk.getClass()));
  }

  /**
   * Whether {@code buf[start, start + length)} is {@link #keyBytes}{@code (pk)}, without making them (a record's key is
   * checked against its primary key once per record while sealing).
   */
  public static boolean isKeyOf(Object pk, byte[] buf, int start, int length) {
    if (pk instanceof Long) {
      return isKeyOf((long) (Long) pk, buf, start, length);
    }
    byte[] expected = keyBytes(pk);
    return Arrays.equals(buf, start, start + length, expected, 0, expected.length);
  }

  /** Whether {@code buf[start, start + length)} is {@link #keyBytes} of the INT64 primary key {@code pk}. */
  public static boolean isKeyOf(long pk, byte[] buf, int start, int length) {
    return length == Long.BYTES && (long) LONG_BIG_ENDIAN.get(buf, start) == pk;
  }

  /** The primary key encoded by {@link #keyBytes}; {@code stringKey} says which type the schema declares. */
  public static Object pkFromKeyBytes(byte[] key, boolean stringKey) {
    if (stringKey) {
      return new String(key, StandardCharsets.UTF_8);
    }
    if (key.length != Long.BYTES) {
      throw new IllegalArgumentException("An INT64 key has 8 bytes, got " + key.length);
    }
    return ByteBuffer.wrap(key).getLong();
  }

  /** The partitions of a collection with a partition key: Milvus's names {@code _default_0 .. _default_<n-1>}. */
  public static List<String> partitionKeyPartitions(int numPartitions) {
    if (numPartitions < 1 || numPartitions > 1024) {
      throw new ValidationException("num_partitions", numPartitions, "a partition key needs 1 to 1024 partitions");
    }
    List<String> out = new ArrayList<>(numPartitions);
    for (int i = 0; i < numPartitions; i++) {
      out.add(WalRecord.DEFAULT_PARTITION + "_" + i);
    }
    return out;
  }

  /**
   * The partition a row goes to when its partition-key field holds {@code value}: {@code murmur2(keyBytes(value))}
   * mod the partition count, like the shard of a primary key, so every writer agrees. A null value goes to the first.
   */
  public static String partitionOfKey(@Nullable Object value, List<String> partitions) {
    if (value == null) {
      return partitions.get(0);
    }
    return partitions.get((murmur2(keyBytes(value)) & 0x7fffffff) % partitions.size());
  }

  public static int shardOf(Object pk, int shards) {
    return shardOfKey(keyBytes(pk), shards);
  }

  public static int shardOfKey(byte[] key, int shards) {
    if (shards <= 0) {
      throw new IllegalArgumentException("shard count must be positive: " + shards);
    }
    return (murmur2(key) & 0x7fffffff) % shards;
  }

  /** Kafka's murmur2 (32-bit, seed 0x9747b28c). */
  public static int murmur2(byte[] data) {
    int length = data.length;
    final int m = 0x5bd1e995;
    final int r = 24;
    int h = 0x9747b28c ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      int i4 = i * 4;
      int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
          + ((data[i4 + 3] & 0xff) << 24);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    int tail = length4 * 4;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= m;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
