package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory map of one byte range of a file, handed to jvector as a {@link ReaderSupplier} whose readers see
 * only that range (offset 0 = the range's first byte, {@code length()} = its size). jvector finds its V5+ footer at
 * the end of what its reader calls the file, so the range must be exactly one jvector graph.
 *
 * <p>Why not jvector's {@code ReaderSupplierFactory}: its readers map the whole file, and an index file has a Quiver
 * header before and a checksum after the graph. The range is mapped in 1 GiB chunks (a {@code MappedByteBuffer} holds
 * at most 2 GiB); readers use absolute gets only, so the shared chunks are never mutated and readers are cheap to
 * make. Big-endian, as jvector writes. Java 17 cannot unmap: the mapping goes when the last reader is collected.
 */
final class MappedSlice implements ReaderSupplier {
  private static final int SHIFT = 30;
  private static final long CHUNK = 1L << SHIFT;
  private static final long MASK = CHUNK - 1;

  private final Path file;
  private final long length;
  private volatile MappedByteBuffer[] chunks;

  MappedSlice(Path file, long offset, long length) throws IOException {
    this.file = file;
    this.length = length;
    int n = (int) ((length + CHUNK - 1) >>> SHIFT);
    MappedByteBuffer[] c = new MappedByteBuffer[Math.max(n, 1)];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (offset + length > ch.size()) {
        throw new CorruptIndexException(file, "range [" + offset + ", +" + length + ") beyond the end of the file");
      }
      for (int i = 0; i < c.length; i++) {
        long start = (long) i * CHUNK;
        long size = Math.min(CHUNK, length - start);
        c[i] = ch.map(FileChannel.MapMode.READ_ONLY, offset + start, Math.max(size, 0));
      }
    }
    this.chunks = c;
  }

  @Override
  public RandomAccessReader get() throws IOException {
    MappedByteBuffer[] c = chunks;
    if (c == null) {
      throw new IOException("Index file " + file + " is closed");
    }
    return new Reader(c, length);
  }

  @Override
  public void close() {
    chunks = null;
  }

  /** A cursor over the slice; not thread-safe (one per jvector view), but readers share the chunks safely. */
  static final class Reader extends SliceCursor {
    private final MappedByteBuffer[] chunks;

    Reader(MappedByteBuffer[] chunks, long length) {
      super(length);
      this.chunks = chunks;
    }

    private byte byteAt(long p) {
      return chunks[(int) (p >>> SHIFT)].get((int) (p & MASK));
    }

    @Override
    public int readInt() throws IOException {
      check(Integer.BYTES);
      ByteBuffer c = chunks[(int) (pos >>> SHIFT)];
      int off = (int) (pos & MASK);
      int v;
      if (off + Integer.BYTES <= c.limit()) {
        v = c.getInt(off);
      } else {
        v = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
          v = (v << 8) | (byteAt(pos + i) & 0xff);
        }
      }
      pos += Integer.BYTES;
      return v;
    }

    @Override
    public long readLong() throws IOException {
      check(Long.BYTES);
      ByteBuffer c = chunks[(int) (pos >>> SHIFT)];
      int off = (int) (pos & MASK);
      long v;
      if (off + Long.BYTES <= c.limit()) {
        v = c.getLong(off);
      } else {
        v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
          v = (v << 8) | (byteAt(pos + i) & 0xff);
        }
      }
      pos += Long.BYTES;
      return v;
    }

    @Override
    public void read(int[] dst, int offset, int count) throws IOException {
      check((long) count * Integer.BYTES);
      ByteBuffer c = chunks[(int) (pos >>> SHIFT)];
      int off = (int) (pos & MASK);
      if (off + (long) count * Integer.BYTES <= c.limit()) {
        for (int i = 0; i < count; i++) {
          dst[offset + i] = c.getInt(off + i * Integer.BYTES);
        }
        pos += (long) count * Integer.BYTES;
      } else {
        for (int i = 0; i < count; i++) {
          dst[offset + i] = readInt();
        }
      }
    }

    @Override
    public void read(float[] dst, int offset, int count) throws IOException {
      check((long) count * Float.BYTES);
      ByteBuffer c = chunks[(int) (pos >>> SHIFT)];
      int off = (int) (pos & MASK);
      if (off + (long) count * Float.BYTES <= c.limit()) {
        for (int i = 0; i < count; i++) {
          dst[offset + i] = c.getFloat(off + i * Float.BYTES);
        }
        pos += (long) count * Float.BYTES;
      } else {
        for (int i = 0; i < count; i++) {
          dst[offset + i] = readFloat();
        }
      }
    }

    @Override
    public void readFully(long[] dst) throws IOException {
      for (int i = 0; i < dst.length; i++) {
        dst[i] = readLong();
      }
    }

    @Override
    public void readFully(byte[] dst) throws IOException {
      check(dst.length);
      int done = 0;
      while (done < dst.length) {
        ByteBuffer c = chunks[(int) (pos >>> SHIFT)];
        int off = (int) (pos & MASK);
        int n = Math.min(dst.length - done, c.limit() - off);
        c.get(off, dst, done, n);
        done += n;
        pos += n;
      }
    }

    @Override
    public void readFully(ByteBuffer dst) throws IOException {
      check(dst.remaining());
      while (dst.hasRemaining()) {
        ByteBuffer c = chunks[(int) (pos >>> SHIFT)];
        int off = (int) (pos & MASK);
        int n = Math.min(dst.remaining(), c.limit() - off);
        dst.put(c.duplicate().position(off).limit(off + n));
        pos += n;
      }
    }
  }
}
