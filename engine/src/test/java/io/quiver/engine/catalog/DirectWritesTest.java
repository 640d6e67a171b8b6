package io.quiver.engine.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectWritesTest {
  /** {@code O_DIRECT} in {@code /proc/self/fdinfo}'s octal flags on Linux x86-64 and arm64. */
  private static final int O_DIRECT_X86 = 040000;
  private static final int O_DIRECT_ARM = 0200000;

  @TempDir
  Path dir;

  @Test
  void everyLengthAroundTheBlockAndBufferEdgesLandsByteForByte() throws Exception {
    int block = blockOrSkip();
    int[] lengths = {0, 1, block - 1, block, block + 1, 3 * block + 17, DirectWrites.BUFFER - 1, DirectWrites.BUFFER,
        DirectWrites.BUFFER + 1, 3 * DirectWrites.BUFFER + 123};
    Random random = new Random(11);
    for (int length : lengths) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      Path file = Files.createFile(dir.resolve("f" + length));
      try (DirectWrites out = DirectWrites.open(file)) {
        writeInPieces(out, data, random);
      }
      assertArrayEquals(data, Files.readAllBytes(file), "a file of " + length + " bytes");
    }
  }

  @Test
  void flushesAndSyncsMidwayMakeTheBytesSoFarVisible_andLaterBytesRewriteThePaddedBlock() throws Exception {
    blockOrSkip();
    Random random = new Random(12);
    byte[] data = new byte[2 * DirectWrites.BUFFER + 5_000];
    random.nextBytes(data);
    Path file = Files.createFile(dir.resolve("flushed"));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (DirectWrites out = DirectWrites.open(file)) {
      int off = 0;
      while (off < data.length) {
        int n = Math.min(data.length - off, 1 + random.nextInt(300_000));
        out.write(data, off, n);
        expected.write(data, off, n);
        off += n;
        if (random.nextBoolean()) {
          out.hflush();
        } else {
          out.hsync();
        }
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file), "after " + off + " bytes and a flush");
      }
    }
    assertArrayEquals(data, Files.readAllBytes(file));
  }

  @Test
  void theFileIsOpenForDirectIo_andAClosedStreamRefusesWrites() throws Exception {
    blockOrSkip();
    Path file = Files.createFile(dir.resolve("flags"));
    DirectWrites out = DirectWrites.open(file);
    try {
      Integer flags = openFlags(file);
      assumeTrue(flags != null, "no /proc/self/fdinfo here");
      assertTrue((flags & (O_DIRECT_X86 | O_DIRECT_ARM)) != 0, "O_DIRECT in flags " + Integer.toOctalString(flags));
    } finally {
      out.close();
    }
    out.close(); // a second close is a no-op
    assertThrows(IOException.class, () -> out.write(1));
    assertThrows(IOException.class, () -> out.write(new byte[3], 0, 3));
    assertThrows(IOException.class, out::flush);
  }

  @Test
  void localWarehouseFilesAreWrittenDirectly_unlessTheOptionIsOff() throws Exception {
    blockOrSkip();
    byte[] data = new byte[300_001];
    new Random(13).nextBytes(data);
    for (boolean direct : new boolean[] {true, false}) {
      Configuration conf = Catalog.localAsRaw(new Configuration());
      conf.setBoolean(NioLocalFileSystem.DIRECT_WRITES, direct);
      FileSystem fs = new org.apache.hadoop.fs.Path(dir.toUri()).getFileSystem(conf);
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir.resolve("sub-" + direct + "/file").toUri());
      Path file = dir.resolve("sub-" + direct + "/file");
      try (FSDataOutputStream out = fs.create(path, true)) {
        out.write(data, 0, 1_000);
        out.hflush();
        Integer flags = openFlags(file);
        if (flags != null) {
          assertEquals(direct, (flags & (O_DIRECT_X86 | O_DIRECT_ARM)) != 0,
              "O_DIRECT with " + NioLocalFileSystem.DIRECT_WRITES + "=" + direct);
        }
        out.write(data, 1_000, data.length - 1_000);
      }
      assertArrayEquals(data, Files.readAllBytes(file));
      // overwriting a longer file leaves only the new bytes
      try (FSDataOutputStream out = fs.create(path, true)) {
        out.write(data, 0, 10);
      }
      assertEquals(10, Files.size(file));
      // an append goes through the page cache and keeps what is there
      try (FSDataOutputStream out = fs.append(path)) {
        out.write(data, 10, 5);
      }
      assertArrayEquals(java.util.Arrays.copyOf(data, 15), Files.readAllBytes(file));
    }
  }

  /** Writes {@code data} in random pieces: single bytes, small arrays, arrays larger than the buffer. */
  private static void writeInPieces(OutputStream out, byte[] data, Random random) throws IOException {
    int off = 0;
    while (off < data.length) {
      int kind = random.nextInt(3);
      if (kind == 0) {
        out.write(data[off++]);
        continue;
      }
      int max = kind == 1 ? 10_000 : 3 * DirectWrites.BUFFER;
      int n = Math.min(data.length - off, 1 + random.nextInt(max));
      out.write(data, off, n);
      off += n;
    }
  }

  /** The temp dir's block size; skips the test where its file system refuses direct I/O. */
  private int blockOrSkip() throws IOException {
    Path probe = Files.createFile(dir.resolve("probe"));
    try (DirectWrites ignored = DirectWrites.open(probe)) {
      return Math.toIntExact(Files.getFileStore(probe).getBlockSize());
    } catch (IOException | UnsupportedOperationException e) {
      assumeTrue(false, "direct I/O refused in " + dir + ": " + e);
      return -1;
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** The open flags of this process's descriptor for {@code file} (octal in fdinfo), or null off Linux. */
  private static Integer openFlags(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return null;
    }
    Path real = file.toRealPath();
    List<Path> links;
    try (Stream<Path> s = Files.list(fds)) {
      links = s.toList();
    }
    for (Path link : links) {
      try {
        if (Files.readSymbolicLink(link).equals(real)) {
          for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", link.getFileName().toString()))) {
            if (line.toLowerCase(Locale.ROOT).startsWith("flags:")) {
              return Integer.parseInt(line.substring(6).trim(), 8);
            }
          }
        }
      } catch (IOException gone) {
        // a descriptor closed while listing
      }
    }
    throw new AssertionError("No open descriptor for " + real);
  }
}
