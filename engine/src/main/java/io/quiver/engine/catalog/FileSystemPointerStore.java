package io.quiver.engine.catalog;

import io.quiver.engine.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.Nullable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The pointer is the highest {@code metadata/v<N>.json}; a commit publishes {@code v<N+1>.json} with an atomic
 * no-overwrite move, so of two racing committers exactly one wins.
 *
 * <ul>
 *   <li>Local folders: a hard link ({@link Files#createLink}), which the OS refuses atomically when the name exists
 *       ({@code rename(2)} would silently replace it).
 *   <li>HDFS and other file systems whose rename fails on an existing target: {@link FileSystem#rename}.
 *   <li>S3A: rename is copy-then-delete and not atomic, so two committers could both "win". Use this store on S3 only
 *       with a single committer per collection; clusters use the ZooKeeper store.
 * </ul>
 *
 * <p>{@code version-hint.text} speeds up finding the newest version; it is advisory (readers probe past it).
 */
public final class FileSystemPointerStore implements PointerStore {
  static final String HINT = "version-hint.text";
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.json");

  private final FileSystem fs;
  private final Path metadataDir;

  public FileSystemPointerStore(FileSystem fs, Path metadataDir) {
    this.fs = fs;
    this.metadataDir = metadataDir;
  }

  @Override
  public String fileName(long version, String attemptId) {
    return "v" + version + ".json";
  }

  @Nullable
  @Override
  public Pointer current() throws IOException {
    long v = readHint();
    if (v <= 0) {
      v = listNewest();
      if (v <= 0) {
        return null;
      }
    }
    while (fs.exists(file(v + 1))) {
      v++;
    }
    return new Pointer(v, fileName(v, null));
  }

  private long readHint() {
    try {
      String s = new String(HadoopFiles.readAll(fs, new Path(metadataDir, HINT)), StandardCharsets.UTF_8).trim();
      long v = Long.parseLong(s);
      return fs.exists(file(v)) ? v : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private long listNewest() throws IOException {
    long newest = -1;
    try {
      for (FileStatus st : fs.listStatus(metadataDir)) {
        Matcher m = VERSION_FILE.matcher(st.getPath().getName());
        if (m.matches()) {
          newest = Math.max(newest, Long.parseLong(m.group(1)));
        }
      }
    } catch (FileNotFoundException e) {
      return -1;
    }
    return newest;
  }

  private Path file(long version) {
    return new Path(metadataDir, fileName(version, null));
  }

  @Override
  public boolean swap(@Nullable Pointer expected, Pointer next, Path staged) throws IOException {
    long expectedVersion = expected == null ? 0 : expected.version();
    if (next.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("Versions advance by one: expected " + expectedVersion + ", next "
          + next.version());
    }
    Path target = file(next.version());
    boolean published;
    RawLocalFileSystem local = rawLocal(fs);
    if (local != null) {
      try {
        Files.createLink(local.pathToFile(target).toPath(), local.pathToFile(staged).toPath());
        published = true;
      } catch (FileAlreadyExistsException e) {
        published = false;
      }
    } else if (fs.exists(target)) {
      published = false;
    } else {
      published = fs.rename(staged, target);
      if (!published && !fs.exists(target)) {
        throw new IOException("Rename of " + staged + " to " + target + " failed for an unknown reason");
      }
    }
    HadoopFiles.deleteQuietly(fs, staged, false);
    if (published) {
      writeHint(next.version());
    }
    return published;
  }

  @Nullable
  private static RawLocalFileSystem rawLocal(FileSystem fs) {
    if (fs instanceof RawLocalFileSystem) {
      return (RawLocalFileSystem) fs;
    }
    if (fs instanceof LocalFileSystem && ((LocalFileSystem) fs).getRawFileSystem() instanceof RawLocalFileSystem) {
      return (RawLocalFileSystem) ((LocalFileSystem) fs).getRawFileSystem();
    }
    return null;
  }

  private void writeHint(long version) {
    Path tmp = new Path(metadataDir, "." + HINT + "-" + java.util.UUID.randomUUID() + ".tmp");
    try {
      HadoopFiles.write(fs, tmp, Long.toString(version).getBytes(StandardCharsets.UTF_8), true);
      Path hint = new Path(metadataDir, HINT);
      if (rawLocal(fs) == null) {
        fs.delete(hint, false);
      }
      if (!fs.rename(tmp, hint)) {
        HadoopFiles.deleteQuietly(fs, tmp, false);
      }
    } catch (IOException | RuntimeException e) {
      // advisory only: readers probe past a stale hint
      HadoopFiles.deleteQuietly(fs, tmp, false);
    }
  }
}
