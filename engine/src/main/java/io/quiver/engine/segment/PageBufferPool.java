package io.quiver.engine.segment;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * The heap buffers Parquet's page store copies every finished page into ({@code ColumnChunkPageWriteStore} keeps them
 * until the row group is written out, a whole segment for a seal), reused instead of allocated anew for every page.
 * A segment's vector column is tens of megabytes of such buffers; allocated fresh for every seal they were a steady
 * stream of garbage that G1, once they were large, had to count against the old generation (in {@code bench ingest}
 * a young collection about every 100 ms). Buffers of at least {@value #MIN_POOLED} bytes are pooled by size class (a
 * multiple of {@value #SIZE_CLASS} bytes, the buffer's limit set to the size asked for), up to {@link #maxRetained}
 * bytes in all; smaller ones, and any beyond that, are left to the garbage collector. Thread-safe.
 */
final class PageBufferPool implements ByteBufferAllocator {
  /** The smallest buffer pooled: below this, allocation in the young generation is cheap. */
  static final int MIN_POOLED = 64 << 10;
  /** The largest buffer pooled. */
  static final int MAX_POOLED = 8 << 20;
  /** Pooled capacities are multiples of this. */
  static final int SIZE_CLASS = 16 << 10;

  /** The pool segment writers share: at most two seals' vector columns (100,000 rows of 128 floats are 51 MB). */
  static final PageBufferPool SHARED = new PageBufferPool(128L << 20);

  private final long maxRetained;
  private final AtomicLong retained = new AtomicLong();
  private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<ByteBuffer>> free = new ConcurrentHashMap<>();

  PageBufferPool(long maxRetained) {
    this.maxRetained = maxRetained;
  }

  @Override
  public ByteBuffer allocate(int size) {
    if (size < MIN_POOLED || size > MAX_POOLED) {
      return ByteBuffer.allocate(size);
    }
    int capacity = capacity(size);
    ConcurrentLinkedQueue<ByteBuffer> queue = free.get(capacity);
    ByteBuffer b = queue == null ? null : queue.poll();
    if (b == null) {
      return ByteBuffer.allocate(capacity).limit(size);
    }
    retained.addAndGet(-capacity);
    return b.clear().limit(size);
  }

  @Override
  public void release(ByteBuffer b) {
    int capacity = b.capacity();
    if (b.isDirect() || capacity < MIN_POOLED || capacity > capacity(MAX_POOLED) || capacity % SIZE_CLASS != 0) {
      return;
    }
    if (retained.addAndGet(capacity) > maxRetained) {
      retained.addAndGet(-capacity);
      return;
    }
    free.computeIfAbsent(capacity, c -> new ConcurrentLinkedQueue<>()).offer(b);
  }

  @Override
  public boolean isDirect() {
    return false;
  }

  /** Bytes held for reuse. */
  long retainedBytes() {
    return retained.get();
  }

  private static int capacity(int size) {
    return (size + SIZE_CLASS - 1) / SIZE_CLASS * SIZE_CLASS;
  }
}
