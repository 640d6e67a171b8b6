package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One byte range of a file read with positional reads ({@code pread}) instead of a memory map, handed to jvector as a
 * {@link ReaderSupplier} (offset 0 = the range's first byte, {@code length()} = its size), like {@link MappedSlice}.
 *
 * <p>Why: a graph walk touches node records all over the file, and through a mapping every touched page (plus the
 * kernel's read-around) stays resident in the process. Read this way, only what a query needs at that moment is
 * copied into a small per-reader buffer, as DiskANN reads its full vectors from disk; the file's hot pages live in the
 * operating system's page cache, which the kernel shares and evicts under pressure, outside the process's memory.
 *
 * <p>Each reader keeps a {@value #BLOCK}-byte window: a read outside it fetches {@value #BLOCK} bytes from the read
 * position (one system call covers a node's vector and neighbour list); larger reads go straight to the file.
 *
 * <p>Readers share {@value #STRIPES} channels of the file, round robin, opened as readers first need them: positional
 * reads do not move a shared position, so threads may share a channel, but every read of a {@code FileChannel} enters
 * a monitor of that channel (the JDK's set of threads blocked in it, to signal on close). With one channel for all
 * searches, a thread preempted inside that monitor stalled every other search of the segment: the serve bench's JFR
 * showed 1,760 waits of over 10 ms on it in two minutes of load (47 s of waiting), the source of its 20–100 ms
 * latency tail.
 */
final class PositionalSlice implements ReaderSupplier {
  static final int BLOCK = 1024;
  /** Channels per slice, at most. */
  static final int STRIPES = 8;

  private final Path file;
  private final long offset;
  private final long length;
  /** The channels readers read through; [0] is opened up front, the others by the first reader assigned to them. */
  private final FileChannel[] channels = new FileChannel[STRIPES];
  private final AtomicInteger nextStripe = new AtomicInteger();
  private boolean closed;

  PositionalSlice(Path file, long offset, long length) throws IOException {
    this.file = file;
    this.offset = offset;
    this.length = length;
    FileChannel first = FileChannel.open(file, StandardOpenOption.READ);
    if (offset < 0 || length < 0 || offset + length > first.size()) {
      first.close();
      throw new CorruptIndexException(file, "range [" + offset + ", +" + length + ") beyond the end of the file");
    }
    channels[0] = first;
  }

  @Override
  public RandomAccessReader get() throws IOException {
    return new Reader(channel(Math.floorMod(nextStripe.getAndIncrement(), STRIPES)));
  }

  private synchronized FileChannel channel(int stripe) throws IOException {
    if (closed) {
      throw new IOException("Index file " + file + " is closed");
    }
    if (channels[stripe] == null) {
      channels[stripe] = FileChannel.open(file, StandardOpenOption.READ);
    }
    return channels[stripe];
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    IOException failed = null;
    for (int i = 0; i < STRIPES; i++) {
      if (channels[i] != null) {
        try {
          channels[i].close();
        } catch (IOException e) {
          failed = failed == null ? e : failed;
        }
        channels[i] = null;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Channels open now (tests). */
  synchronized int openChannels() {
    int n = 0;
    for (FileChannel c : channels) {
      n += c != null ? 1 : 0;
    }
    return n;
  }

  /** A cursor over the slice with its own window; not thread-safe (one per jvector view). */
  final class Reader extends SliceCursor {
    private final FileChannel channel;
    private final ByteBuffer window = ByteBuffer.allocateDirect(BLOCK); // big-endian, as jvector writes
    private long windowStart;
    private int windowLength;

    Reader(FileChannel channel) {
      super(PositionalSlice.this.length);
      this.channel = channel;
    }

    @Override
    protected String where() {
      return " of " + file;
    }

    /** Makes {@code [pos, pos + bytes)} available in the window and returns its index there. */
    private int need(int bytes) throws IOException {
      check(bytes);
      if (pos >= windowStart && pos + bytes <= windowStart + windowLength) {
        return (int) (pos - windowStart);
      }
      int n = (int) Math.min(BLOCK, length - pos);
      window.clear().limit(n);
      fill(window, pos);
      windowStart = pos;
      windowLength = n;
      return 0;
    }

    private void fill(ByteBuffer dst, long at) throws IOException {
      long p = at;
      while (dst.hasRemaining()) {
        int r = channel.read(dst, offset + p);
        if (r < 0) {
          throw new EOFException("Index file " + file + " ended at " + (offset + p) + " inside its range");
        }
        p += r;
      }
    }

    @Override
    public int readInt() throws IOException {
      int v = window.getInt(need(Integer.BYTES));
      pos += Integer.BYTES;
      return v;
    }

    @Override
    public long readLong() throws IOException {
      long v = window.getLong(need(Long.BYTES));
      pos += Long.BYTES;
      return v;
    }

    @Override
    public void read(int[] dst, int off, int count) throws IOException {
      if ((long) count * Integer.BYTES > BLOCK) {
        readLarge(ByteBuffer.allocate(count * Integer.BYTES)).asIntBuffer().get(dst, off, count);
        return;
      }
      int at = need(count * Integer.BYTES);
      for (int i = 0; i < count; i++) {
        dst[off + i] = window.getInt(at + i * Integer.BYTES);
      }
      pos += (long) count * Integer.BYTES;
    }

    @Override
    public void read(float[] dst, int off, int count) throws IOException {
      if ((long) count * Float.BYTES > BLOCK) {
        readLarge(ByteBuffer.allocate(count * Float.BYTES)).asFloatBuffer().get(dst, off, count);
        return;
      }
      int at = need(count * Float.BYTES);
      for (int i = 0; i < count; i++) {
        dst[off + i] = window.getFloat(at + i * Float.BYTES);
      }
      pos += (long) count * Float.BYTES;
    }

    @Override
    public void readFully(long[] dst) throws IOException {
      if ((long) dst.length * Long.BYTES > BLOCK) {
        readLarge(ByteBuffer.allocate(dst.length * Long.BYTES)).asLongBuffer().get(dst);
        return;
      }
      int at = need(dst.length * Long.BYTES);
      for (int i = 0; i < dst.length; i++) {
        dst[i] = window.getLong(at + i * Long.BYTES);
      }
      pos += (long) dst.length * Long.BYTES;
    }

    @Override
    public void readFully(byte[] dst) throws IOException {
      if (dst.length > BLOCK) {
        readLarge(ByteBuffer.wrap(dst));
        return;
      }
      window.get(need(dst.length), dst, 0, dst.length);
      pos += dst.length;
    }

    @Override
    public void readFully(ByteBuffer dst) throws IOException {
      if (dst.remaining() > BLOCK) {
        readLarge(dst);
        return;
      }
      int n = dst.remaining();
      int at = need(n);
      dst.put(window.duplicate().position(at).limit(at + n));
      pos += n;
    }

    /** A read larger than the window: straight from the file into {@code dst}, which is returned flipped. */
    private ByteBuffer readLarge(ByteBuffer dst) throws IOException {
      int n = dst.remaining();
      check(n);
      int start = dst.position();
      fill(dst, pos);
      pos += n;
      return dst.duplicate().position(start).limit(start + n);
    }
  }
}
