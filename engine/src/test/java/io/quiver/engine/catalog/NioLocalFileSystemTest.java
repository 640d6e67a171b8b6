package io.quiver.engine.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
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
}
