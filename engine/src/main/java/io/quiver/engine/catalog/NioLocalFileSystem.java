package io.quiver.engine.catalog;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Writes larger than the buffer (Parquet hands over a vector column's pages of a megabyte and more at once) reach the
 * file in pieces of at most {@value #MAX_WRITE} bytes ({@link BoundedWrites}).
 *
 * <p>New files are written with direct I/O ({@link DirectWrites}: past the page cache, as RocksDB can write its flushes
 * and compactions) unless {@value #DIRECT_WRITES} is {@code false}; where the file system refuses direct I/O, this file
 * system writes through the page cache from then on and logs it once. Appends always go through the page cache.
 */
public class NioLocalFileSystem extends RawLocalFileSystem {
  private static final Logger LOG = LoggerFactory.getLogger(NioLocalFileSystem.class);

  /** Hadoop configuration key: write new files with direct I/O (default {@code true}). */
  public static final String DIRECT_WRITES = "quiver.local.direct-writes";

  /** The smallest buffer a file is written through. */
  static final int MIN_WRITE_BUFFER = 64 << 10;
  /** The most bytes handed to the file in one write. */
  static final int MAX_WRITE = 64 << 10;

  private volatile boolean directWrites = true;

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(uri, conf);
    directWrites = conf.getBoolean(DIRECT_WRITES, true);
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission)
      throws IOException {
    // Hadoop's stream creates the file, with its permissions; a direct one then takes over the file if it can
    OutputStream created = super.createOutputStreamWithMode(f, append, permission);
    if (!append && directWrites) {
      DirectWrites direct = null;
      try {
        direct = DirectWrites.open(pathToFile(f).toPath());
        created.close();
        return direct;
      } catch (IOException | UnsupportedOperationException e) {
        if (direct != null) {
          direct.close(); // Hadoop's stream failed to close: fail as a plain create would
          throw e;
        }
        directWrites = false;
        LOG.warn("Direct I/O refused for {} ({}); writing files through the page cache from now on", f, e.toString());
      }
    }
    return new BoundedWrites(created, MAX_WRITE);
  }

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

  /**
   * Passes writes on in pieces of at most {@code max} bytes. {@link java.io.FileOutputStream} copies every write of
   * more than 8 KB into a native buffer it mallocs and frees around the {@code write(2)}; from 128 KB up glibc maps and
   * unmaps fresh pages for that, so each such write also pays page faults, the kernel's zeroing and a TLB shootdown.
   * Writing 512 MB in 1 MB writes took 93-439 ms of CPU in a row of runs on this kind of machine, in 64 KB writes a
   * steady 116 ms. Keeps the wrapped stream's sync, capabilities and statistics.
   */
  static final class BoundedWrites extends FilterOutputStream
      implements Syncable, StreamCapabilities, IOStatisticsSource {
    private final int max;

    BoundedWrites(OutputStream out, int max) {
      super(out);
      if (max < 1) {
        throw new IllegalArgumentException("max must be positive: " + max);
      }
      this.max = max;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      for (int done = 0; done < len; ) {
        int n = Math.min(max, len - done);
        out.write(b, off + done, n);
        done += n;
      }
    }

    @Override
    public void hflush() throws IOException {
      sync(false);
    }

    @Override
    public void hsync() throws IOException {
      sync(true);
    }

    /** The wrapped stream's hsync ({@code toDisk}) or hflush, a plain flush where it has neither. */
    private void sync(boolean toDisk) throws IOException {
      if (!(out instanceof Syncable s)) {
        out.flush();
      } else if (toDisk) {
        s.hsync();
      } else {
        s.hflush();
      }
    }

    @Override
    public boolean hasCapability(String capability) {
      return out instanceof StreamCapabilities c && c.hasCapability(capability);
    }

    @Override
    public IOStatistics getIOStatistics() {
      return IOStatisticsSupport.retrieveIOStatistics(out);
    }
  }
}
