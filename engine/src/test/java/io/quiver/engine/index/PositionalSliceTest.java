package io.quiver.engine.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PositionalSlice} reads exactly what {@link MappedSlice} reads over the same range, window edges included. */
class PositionalSliceTest {
  @TempDir Path dir;

  @Test
  void readsTheSameValuesAsTheMappedSliceAtRandomPositions() throws Exception {
    byte[] bytes = new byte[12 * PositionalSlice.BLOCK + 777];
    new Random(11).nextBytes(bytes);
    Path f = dir.resolve("f.bin");
    Files.write(f, bytes);
    long off = 101;
    long len = bytes.length - off - 13;
    try (PositionalSlice ps = new PositionalSlice(f, off, len); MappedSlice ms = new MappedSlice(f, off, len);
        RandomAccessReader p = ps.get(); RandomAccessReader m = ms.get()) {
      assertEquals(len, p.length(), "length is the range's, not the file's");
      Random r = new Random(5);
      for (int i = 0; i < 5_000; i++) {
        int n = 1 + r.nextInt(PositionalSlice.BLOCK / 2); // some reads larger than the window
        long at = r.nextInt((int) (len - 8L * n));
        p.seek(at);
        m.seek(at);
        switch (i % 6) {
          case 0 -> assertEquals(m.readInt(), p.readInt(), "readInt at " + at);
          case 1 -> assertEquals(m.readLong(), p.readLong(), "readLong at " + at);
          case 2 -> {
            float[] a = new float[n];
            float[] b = new float[n];
            m.read(a, 0, n);
            p.read(b, 0, n);
            assertArrayEquals(a, b, "read(float[" + n + "]) at " + at);
          }
          case 3 -> {
            int[] a = new int[n + 2];
            int[] b = new int[n + 2];
            m.read(a, 2, n);
            p.read(b, 2, n);
            assertArrayEquals(a, b, "read(int[" + n + "], 2) at " + at);
          }
          case 4 -> {
            byte[] a = new byte[4 * n];
            byte[] b = new byte[4 * n];
            m.readFully(a);
            p.readFully(b);
            assertArrayEquals(a, b, "readFully(byte[" + 4 * n + "]) at " + at);
          }
          default -> {
            ByteBuffer a = ByteBuffer.allocate(4 * n);
            ByteBuffer b = ByteBuffer.allocate(4 * n);
            m.readFully(a);
            p.readFully(b);
            assertEquals(a.flip(), b.flip(), "readFully(ByteBuffer " + 4 * n + ") at " + at);
          }
        }
        assertEquals(m.getPosition(), p.getPosition(), "position after read " + i);
        // a second read right after the first (often from the same window)
        assertEquals(m.readInt(), p.readInt(), "following readInt after read " + i);
      }
    }
  }

  @Test
  void refusesReadsPastTheRangeAndRangesPastTheFile() throws Exception {
    Path f = dir.resolve("g.bin");
    Files.write(f, new byte[100]);
    try (PositionalSlice ps = new PositionalSlice(f, 10, 80); RandomAccessReader p = ps.get()) {
      p.seek(78);
      assertThrows(EOFException.class, p::readInt, "a read crossing the range's end");
      p.seek(0);
      assertThrows(EOFException.class, () -> p.readFully(new byte[81]), "a large read past the end");
    }
    CorruptIndexException e = assertThrows(CorruptIndexException.class, () -> new PositionalSlice(f, 50, 60));
    assertEquals(true, e.getMessage().contains("beyond the end of the file"), e.getMessage());
  }

  @Test
  void readersSpreadOverAtMostStripesChannels_allReadingTheSameBytes_andNoneAfterClose() throws Exception {
    byte[] bytes = new byte[4 * PositionalSlice.BLOCK];
    new Random(3).nextBytes(bytes);
    Path f = dir.resolve("s.bin");
    Files.write(f, bytes);
    PositionalSlice ps = new PositionalSlice(f, 0, bytes.length);
    java.util.List<RandomAccessReader> readers = new java.util.ArrayList<>();
    for (int i = 0; i < 3 * PositionalSlice.STRIPES; i++) {
      RandomAccessReader r = ps.get();
      readers.add(r);
      assertEquals(Math.min(i + 1, PositionalSlice.STRIPES), ps.openChannels(), "channels after " + (i + 1)
          + " readers");
    }
    for (RandomAccessReader r : readers) {
      r.seek(1000);
      byte[] b = new byte[64];
      r.readFully(b);
      assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1000, 1064), b);
    }
    ps.close();
    assertEquals(0, ps.openChannels());
    assertThrows(java.io.IOException.class, ps::get);
    assertThrows(java.io.IOException.class, () -> {
      RandomAccessReader r = readers.get(1);
      r.seek(3000); // outside its window: a read of the closed channel
      r.readInt();
    });
  }
}
