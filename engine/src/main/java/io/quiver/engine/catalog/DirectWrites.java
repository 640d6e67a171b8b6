package io.quiver.engine.catalog;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;

/**
 * Writes a file with direct I/O ({@code O_DIRECT}: {@link ExtendedOpenOption#DIRECT}), past the page cache, as
 * RocksDB's {@code use_direct_io_for_flush_and_compaction} writes its flushes and compactions. Segment files are written
 * once, in bulk, and read later by other processes (query nodes' caches, Spark), so caching them on the writer's
 * machine buys little, while copying them into the page cache costs the writer's CPU: on a virtual machine whose
 * guest memory comes back from the host a page fault at a time, a new 500 MB file cost 1.65 s of kernel CPU written
 * through the page cache and 0.08 s written directly (`dd`, 1 MB blocks).
 *
 * <p>Direct I/O wants the buffer's address, the length and the file position of every write aligned to the file
 * system's block. Bytes gather in an aligned buffer of {@value #BUFFER} bytes (pooled: a fresh direct buffer is zeroed
 * memory the kernel has to fault in) and go out in whole blocks; a flush, a sync or the close writes the last, partial
 * block padded with zeros and truncates the file to its real length, keeping that block in the buffer so that later
 * bytes rewrite it in place.
 */
final class DirectWrites extends OutputStream implements Syncable, StreamCapabilities {
  /** Bytes gathered before a write. */
  static final int BUFFER = 1 << 20;
  /** The alignment pooled buffers have; file systems with a block that divides it use them. */
  private static final int POOL_ALIGNMENT = 4096;
  /** Buffers kept for reuse: a few writers at a time, each holding one. */
  private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(8);

  private final FileChannel channel;
  private final int block;
  private final ByteBuffer buffer;
  private final boolean pooled;
  /** Where the buffer's first byte goes in the file: always a multiple of {@link #block}. */
  private long filePosition;
  private boolean closed;

  private DirectWrites(FileChannel channel, int block) {
    this.channel = channel;
    this.block = block;
    this.pooled = POOL_ALIGNMENT % block == 0;
    ByteBuffer b = pooled ? POOL.poll() : null;
    this.buffer = b != null ? b.clear() : allocate(Math.max(BUFFER, block) / block * block,
        pooled ? POOL_ALIGNMENT : block);
  }

  /**
   * Opens {@code file} (which must exist; Hadoop's create made it, with its permissions) for direct writes from its
   * start, truncating it.
   *
   * @throws IOException or {@link UnsupportedOperationException} where the file system or platform does not take
   *     direct I/O (tmpfs on older kernels, some network file systems); the caller falls back to buffered writes
   */
  static DirectWrites open(Path file) throws IOException {
    int block = Math.toIntExact(Files.getFileStore(file).getBlockSize());
    if (block <= 0 || Integer.bitCount(block) != 1) {
      throw new IOException("Unusable block size " + block + " for direct writes to " + file);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
        ExtendedOpenOption.DIRECT);
    return new DirectWrites(channel, block);
  }

  private static ByteBuffer allocate(int capacity, int alignment) {
    return ByteBuffer.allocateDirect(capacity + alignment).alignedSlice(alignment).slice(0, capacity);
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (!buffer.hasRemaining()) {
      drain(false);
    }
    buffer.put((byte) b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    while (len > 0) {
      if (!buffer.hasRemaining()) {
        drain(false);
      }
      int n = Math.min(len, buffer.remaining());
      buffer.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  /** Every byte written so far reaches the file (the last block padded, then the file cut to its length). */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    drain(true);
  }

  @Override
  public void hflush() throws IOException {
    flush();
  }

  @Override
  public void hsync() throws IOException {
    flush();
    channel.force(false);
  }

  @Override
  public boolean hasCapability(String capability) {
    return StreamCapabilities.HFLUSH.equalsIgnoreCase(capability)
        || StreamCapabilities.HSYNC.equalsIgnoreCase(capability);
  }

  /**
   * Writes the buffer's whole blocks — with {@code all}, its partial last block too, padded with zeros, and cuts the
   * file back to its length — and moves the partial block, if any, to the buffer's start.
   */
  private void drain(boolean all) throws IOException {
    int n = buffer.position();
    int whole = n - n % block;
    int length = all && whole < n ? whole + block : whole;
    if (length == 0) {
      return;
    }
    for (int i = n; i < length; i++) {
      buffer.put(i, (byte) 0);
    }
    ByteBuffer out = buffer.duplicate().position(0).limit(length);
    long at = filePosition;
    while (out.hasRemaining()) {
      at += channel.write(out, at);
    }
    if (length > n) {
      channel.truncate(filePosition + n);
    }
    int partial = n - whole;
    if (partial > 0 && whole > 0) {
      buffer.put(0, buffer, whole, partial);
    }
    filePosition += whole;
    buffer.position(partial);
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("Stream closed");
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (FileChannel c = channel) {
      drain(true);
    } finally {
      if (pooled) {
        POOL.offer(buffer);
      }
    }
  }
}
