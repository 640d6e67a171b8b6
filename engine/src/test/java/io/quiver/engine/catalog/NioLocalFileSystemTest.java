package io.quiver.engine.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void localWarehousesUseIt_andItSetsTheRequestedBitsOnFilesAndDirectories() throws Exception {
    Configuration conf = Catalog.localAsRaw(new Configuration());
    FileSystem fs = new Path(dir.toUri()).getFileSystem(conf);
    assertEquals(NioLocalFileSystem.class, fs.getClass(), "file: in a local warehouse's configuration");

    Path sub = new Path(dir.resolve("a/b").toUri());
    fs.mkdirs(sub, new FsPermission((short) 0750));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));

    Path file = new Path(sub, "f");
    try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20,
        null)) {
      out.write(1);
    }
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/f"))));
    fs.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/f"))));
  }

  @Test
  void largeWritesReachTheFileInBoundedPiecesAndIntact() throws Exception {
    List<Integer> pieces = new ArrayList<>();
    ByteArrayOutputStream sink = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        pieces.add(len);
        super.write(b, off, len);
      }
    };
    byte[] data = new byte[3 * 1000 + 7];
    new Random(7).nextBytes(data);
    try (NioLocalFileSystem.BoundedWrites out = new NioLocalFileSystem.BoundedWrites(sink, 1000)) {
      out.write(data, 5, data.length - 5);
      out.write(data, 0, 5);
      out.write(42);
    }
    assertEquals(List.of(1000, 1000, 1000, 2, 5), pieces, "piece sizes (a single byte goes through write(int))");
    byte[] expected = new byte[data.length + 1];
    System.arraycopy(data, 5, expected, 0, data.length - 5);
    System.arraycopy(data, 0, expected, data.length - 5, 5);
    expected[data.length] = 42;
    assertArrayEquals(expected, sink.toByteArray());
    assertThrows(IndexOutOfBoundsException.class, () -> new NioLocalFileSystem.BoundedWrites(sink, 1000).write(data,
        data.length, 1));

    // through the file system: a write far larger than the buffer and the piece size lands byte for byte
    FileSystem fs = new Path(dir.toUri()).getFileSystem(Catalog.localAsRaw(new Configuration()));
    byte[] big = new byte[3 * NioLocalFileSystem.MAX_WRITE + 123];
    new Random(8).nextBytes(big);
    Path file = new Path(dir.resolve("big").toUri());
    try (FSDataOutputStream out = fs.create(file, true)) {
      out.write(big);
      out.hsync();
    }
    assertArrayEquals(big, Files.readAllBytes(dir.resolve("big")));
  }
}
