package io.quiver.engine.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * Hadoop's raw local file system with permissions set through {@code java.nio} instead of a {@code chmod} child
 * process. Without Hadoop's native library (never shipped with Quiver) {@link RawLocalFileSystem} forks {@code chmod}
 * for every file and directory it creates, which made each sealed segment pay several process starts. The
 * permission bits set are the same; on a file system without POSIX attributes it falls back to Hadoop's way. Only
 * local warehouses use it ({@link Catalog#localAsRaw}).
 *
 * <p>Files are written through a buffer of at least {@value #MIN_WRITE_BUFFER} bytes: Parquet asks for 4 KB and
 * hands its column chunks over in 8 KB pieces, so every 8 KB became a {@code write(2)} of its own; on this kind of
 * machine 64 KB writes cost the kernel about a third of the CPU of 8 KB ones per byte (a sealed segment is tens of MB).
 */
public class NioLocalFileSystem extends RawLocalFileSystem {
  /** The smallest buffer a file is written through. */
  static final int MIN_WRITE_BUFFER = 64 << 10;

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    return super.create(f, overwrite, Math.max(bufferSize, MIN_WRITE_BUFFER), replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    return super.create(f, permission, overwrite, Math.max(bufferSize, MIN_WRITE_BUFFER), replication, blockSize,
        progress);
  }

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    java.nio.file.Path file = pathToFile(p).toPath();
    Set<java.nio.file.attribute.PosixFilePermission> perms =
        EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
    add(perms, permission.getUserAction(), java.nio.file.attribute.PosixFilePermission.OWNER_READ,
        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
    add(perms, permission.getGroupAction(), java.nio.file.attribute.PosixFilePermission.GROUP_READ,
        java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
        java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE);
    add(perms, permission.getOtherAction(), java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
        java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE,
        java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
    try {
      Files.setPosixFilePermissions(file, perms);
    } catch (UnsupportedOperationException notPosix) {
      super.setPermission(p, permission);
    }
  }

  private static void add(Set<java.nio.file.attribute.PosixFilePermission> perms, FsAction a,
      java.nio.file.attribute.PosixFilePermission read, java.nio.file.attribute.PosixFilePermission write,
      java.nio.file.attribute.PosixFilePermission execute) {
    if (a.implies(FsAction.READ)) {
      perms.add(read);
    }
    if (a.implies(FsAction.WRITE)) {
      perms.add(write);
    }
    if (a.implies(FsAction.EXECUTE)) {
      perms.add(execute);
    }
  }
}
