package io.quiver.engine.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import java.io.EOFException;
import java.io.IOException;

/**
 * What the readers of {@link MappedSlice} and {@link PositionalSlice} share: a position inside a byte range of
 * {@code length} bytes, the bounds check, and the reads defined through others. Not thread-safe (one per jvector
 * view).
 */
abstract class SliceCursor implements RandomAccessReader {
  protected final long length;
  protected long pos;

  SliceCursor(long length) {
    this.length = length;
  }

  @Override
  public final void seek(long offset) {
    pos = offset;
  }

  @Override
  public final long getPosition() {
    return pos;
  }

  @Override
  public final long length() {
    return length;
  }

  /** Refuses a read of {@code bytes} at the position that would leave the range. */
  protected final void check(long bytes) throws EOFException {
    if (pos < 0 || pos + bytes > length) {
      throw new EOFException("read of " + bytes + " bytes at " + pos + " beyond the end (" + length + ")" + where());
    }
  }

  /** Names the file in errors (empty when unknown). */
  protected String where() {
    return "";
  }

  @Override
  public final float readFloat() throws IOException {
    return Float.intBitsToFloat(readInt());
  }

  @Override
  public final void readFully(float[] dst) throws IOException {
    read(dst, 0, dst.length);
  }

  @Override
  public void close() {
    // nothing of its own to free: the mapping or channel belongs to the slice
  }
}
