package io.quiver.flink.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import javax.annotation.Nullable;

/**
 * The WAL records of one shard's open range exactly as they were read — offset, key bytes and value bytes — in
 * offset order, their bytes copied into large chunks that a {@link Pool} hands out again once the range is sealed.
 * The task thread only appends (a copy of each record's bytes, no decoding, no object per record); the seal thread
 * decodes them ({@link Sealer}). A growing range therefore holds a few large arrays instead of a graph of small
 * objects per row, which every young collection would copy while the range grows (most of the job's GC time before).
 *
 * <p>Appended by the task thread, then handed to the seal thread and never touched by the task thread again.
 */
final class RawRange {
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.LITTLE_ENDIAN);

  /** Size of a pooled chunk: large enough that per-chunk costs vanish, small enough to pool a few per shard. */
  static final int CHUNK_BYTES = 1 << 20;

  /** Free chunks of one reader, shared by its task thread (takes) and seal thread (returns). */
  static final class Pool {
    private final ArrayBlockingQueue<byte[]> free;

    /** A pool that keeps at most {@code maxBytes} of free chunks (more are left to the garbage collector). */
    Pool(long maxBytes) {
      this.free = new ArrayBlockingQueue<>((int) Math.max(1, Math.min(4096, maxBytes / CHUNK_BYTES)));
    }

    byte[] take() {
      byte[] c = free.poll();
      return c != null ? c : new byte[CHUNK_BYTES];
    }

    void give(byte[] chunk) {
      if (chunk.length == CHUNK_BYTES) {
        free.offer(chunk);
      }
    }
  }

  private final Pool pool;
  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] current;
  private int used;
  private long[] offsets;
  /** Per record: its chunk's index in {@link #chunks}, where its key starts, and the key's and value's lengths. */
  private int[] chunk;
  private int[] start;
  private int[] keyLength;
  private int[] valueLength;
  /** Per record: its key's {@link #hash}, taken in {@link #add} while the key's bytes are in the cache anyway. */
  private long[] keyHash;
  private int size;

  /** An empty range with room for {@code expectedRecords} records before its arrays grow. */
  RawRange(Pool pool, int expectedRecords) {
    this.pool = pool;
    int n = Math.max(16, expectedRecords);
    offsets = new long[n];
    chunk = new int[n];
    start = new int[n];
    keyLength = new int[n];
    valueLength = new int[n];
    keyHash = new long[n];
  }

  /**
   * Appends a record: copies the remaining bytes of {@code key} and {@code value} (positions unchanged); either may be
   * null (kept as null).
   */
  void add(long offset, @Nullable ByteBuffer key, @Nullable ByteBuffer value) {
    if (size == offsets.length) {
      int n = size * 2;
      offsets = Arrays.copyOf(offsets, n);
      chunk = Arrays.copyOf(chunk, n);
      start = Arrays.copyOf(start, n);
      keyLength = Arrays.copyOf(keyLength, n);
      valueLength = Arrays.copyOf(valueLength, n);
      keyHash = Arrays.copyOf(keyHash, n);
    }
    int k = key == null ? 0 : key.remaining();
    int v = value == null ? 0 : value.remaining();
    if (current == null || used + k + v > current.length) {
      // a record larger than a chunk gets a chunk of its own size (not pooled)
      current = k + v > CHUNK_BYTES ? new byte[k + v] : pool.take();
      chunks.add(current);
      used = 0;
    }
    if (key != null) {
      key.get(key.position(), current, used, k);
      keyHash[size] = hash(current, used, used + k);
    }
    if (value != null) {
      value.get(value.position(), current, used + k, v);
    }
    offsets[size] = offset;
    chunk[size] = chunks.size() - 1;
    start[size] = used;
    keyLength[size] = key == null ? -1 : k;
    valueLength[size] = value == null ? -1 : v;
    used += k + v;
    size++;
  }

  int size() {
    return size;
  }

  long offset(int i) {
    return offsets[i];
  }

  /** The chunk holding record {@code i}'s key and value. */
  byte[] bytes(int i) {
    return chunks.get(chunk[i]);
  }

  /** Where record {@code i}'s key starts in {@link #bytes}. */
  int keyStart(int i) {
    return start[i];
  }

  /** Length of record {@code i}'s key, -1 for a null key. */
  int keyLength(int i) {
    return keyLength[i];
  }

  /** Where record {@code i}'s value starts in {@link #bytes}. */
  int valueStart(int i) {
    return start[i] + Math.max(0, keyLength[i]);
  }

  /** Length of record {@code i}'s value, -1 for a null value. */
  int valueLength(int i) {
    return valueLength[i];
  }

  @Nullable
  byte[] key(int i) {
    return keyLength[i] < 0 ? null : Arrays.copyOfRange(bytes(i), start[i], start[i] + keyLength[i]);
  }

  @Nullable
  byte[] value(int i) {
    return valueLength[i] < 0 ? null : Arrays.copyOfRange(bytes(i), valueStart(i), valueStart(i) + valueLength[i]);
  }

  /**
   * For each record, the index of the closest earlier record with the same key bytes, or -1 (also for a null key):
   * the chains of records per key, newest first. An open-addressing table of record indices over the keys'
   * hashes, comparing key bytes only when the hashes match (no object per record, no pass over the chunks).
   */
  int[] previousOfSameKey() {
    int[] previous = new int[size];
    int[] table = new int[Integer.highestOneBit(Math.max(2, size) * 2) * 2];
    Arrays.fill(table, -1);
    int mask = table.length - 1;
    for (int i = 0; i < size; i++) {
      previous[i] = -1;
      if (keyLength[i] < 0) {
        continue;
      }
      long h = keyHash[i];
      for (int slot = (int) h & mask; ; slot = (slot + 1) & mask) {
        int j = table[slot];
        if (j < 0) {
          table[slot] = i;
          break;
        }
        if (keyHash[j] == h && sameKey(i, j)) {
          previous[i] = j;
          table[slot] = i;
          break;
        }
      }
    }
    return previous;
  }

  private boolean sameKey(int i, int j) {
    return keyLength[j] == keyLength[i] && Arrays.equals(bytes(i), start[i], start[i] + keyLength[i], bytes(j),
        start[j], start[j] + keyLength[j]);
  }

  /**
   * A well-mixed hash of {@code b[from, to)}: keys are often sequential numbers, whose plain polynomial hashes form one
   * dense run that linear probing would turn into long clusters.
   */
  private static long hash(byte[] b, int from, int to) {
    long h = to - from;
    int p = from;
    for (; p + Long.BYTES <= to; p += Long.BYTES) { // eight bytes at a time: an INT64 key is one step
      h = Long.rotateLeft((h ^ (long) LONG_LE.get(b, p)) * 0x9E3779B97F4A7C15L, 31);
    }
    for (; p < to; p++) {
      h = h * 0x9E3779B97F4A7C15L + (b[p] & 0xff);
    }
    h ^= h >>> 33; // MurmurHash3's fmix64
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /** Gives the chunks back to the pool; the range must not be read afterwards. */
  void release() {
    chunks.forEach(pool::give);
    chunks.clear();
    current = null;
    size = 0;
  }
}
