package io.quiver.engine.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * A local file system that fails on command: the Nth file create, the Nth write (after some bytes of the Nth
 * created file), or the Nth rename. Plug it in with {@code quiver.local.fs.impl} (see
 * {@code Catalog.localAsRaw}). The plan is global because Hadoop instantiates file systems itself; tests reset it.
 */
public class FaultInjectingFileSystem extends RawLocalFileSystem {
  private static final AtomicInteger CREATES = new AtomicInteger();
  private static final AtomicInteger RENAMES = new AtomicInteger();
  private static final AtomicInteger INJECTED = new AtomicInteger();
  private static volatile int failCreateAt = -1;
  private static volatile int failWriteAt = -1;
  private static volatile int failRenameAt = -1;

  /** Clears the plan and the counters. */
  public static void reset() {
    CREATES.set(0);
    RENAMES.set(0);
    failCreateAt = -1;
    failWriteAt = -1;
    failRenameAt = -1;
  }

  /** The Nth create (1-based) throws. */
  public static void failCreate(int n) {
    reset();
    failCreateAt = n;
  }

  /** The Nth created file throws after 64 bytes have been written to it (or at close if it is smaller). */
  public static void failWrite(int n) {
    reset();
    failWriteAt = n;
  }

  /** The Nth rename throws. */
  public static void failRename(int n) {
    reset();
    failRenameAt = n;
  }

  /** How many failures were injected since the process started. */
  public static int injected() {
    return INJECTED.get();
  }

  public static int creates() {
    return CREATES.get();
  }

  public static int renames() {
    return RENAMES.get();
  }

  @Override
  protected OutputStream createOutputStream(Path f, boolean append) throws IOException {
    return wrap(f, super.createOutputStream(f, append));
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission)
      throws IOException {
    return wrap(f, super.createOutputStreamWithMode(f, append, permission));
  }

  private OutputStream wrap(Path f, OutputStream out) throws IOException {
    int n = CREATES.incrementAndGet();
    if (Boolean.getBoolean("quiver.fault.trace")) {
      System.err.println("create #" + n + " " + f);
    }
    if (n == failCreateAt) {
      out.close();
      INJECTED.incrementAndGet();
      throw new IOException("injected failure: create #" + n + " of " + f);
    }
    if (n != failWriteAt) {
      return out;
    }
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        check(1);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        check(len);
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.close();
        if (written < 64) {
          INJECTED.incrementAndGet();
          throw new IOException("injected failure: closing write #" + n + " of " + f);
        }
      }

      private void check(int len) throws IOException {
        written += len;
        if (written >= 64) {
          INJECTED.incrementAndGet();
          throw new IOException("injected failure: write #" + n + " of " + f + " after " + written + " bytes");
        }
      }
    };
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    int n = RENAMES.incrementAndGet();
    if (n == failRenameAt) {
      INJECTED.incrementAndGet();
      throw new IOException("injected failure: rename #" + n + " of " + src + " to " + dst);
    }
    return super.rename(src, dst);
  }
}
