package io.quiver.engine.catalog;

import io.quiver.engine.segment.SegmentFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiry of old versions and garbage collection of files no retained version reaches.
 *
 * <p>Expiry is a commit: it drops history entries (never the current version, never a tagged one) and so makes
 * their manifests unreachable. Garbage collection then deletes every file under the collection directory that no
 * retained manifest reaches and that is older than a grace period, so files of writes still in flight (written but
 * not yet committed) survive.
 */
public final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  private final Catalog catalog;
  private final CollectionOperations ops;

  Maintenance(Catalog catalog, CollectionOperations ops) {
    this.catalog = catalog;
    this.ops = ops;
  }

  /**
   * Expires versions older than {@code olderThanMillis}, keeping at least the newest {@code retainLast} versions
   * (the current one included) and every tagged version.
   *
   * @return the versions expired
   */
  public List<Long> expireVersions(long olderThanMillis, int retainLast) {
    if (retainLast < 1) {
      throw new IllegalArgumentException("retainLast must be at least 1 (the current version): " + retainLast);
    }
    List<Long> expired = new ArrayList<>();
    new ManifestCommitter(ops).commit("expire", base -> {
      expired.clear();
      Set<Long> tagged = new HashSet<>(base.tags().values());
      List<Manifest.HistoryEntry> keep = new ArrayList<>();
      List<Manifest.HistoryEntry> h = base.history();
      int keepNewest = retainLast - 1;
      for (int i = 0; i < h.size(); i++) {
        Manifest.HistoryEntry e = h.get(i);
        boolean newest = i >= h.size() - keepNewest;
        if (newest || tagged.contains(e.version()) || e.timestampMillis() >= olderThanMillis) {
          keep.add(e);
        } else {
          expired.add(e.version());
        }
      }
      if (expired.isEmpty()) {
        return base;
      }
      return base.toBuilder().history(keep).summary(Map.of("expired-versions", expired.toString())).build();
    }, null);
    return expired;
  }

  /** Every file path (fully qualified) a retained version of the collection reaches. */
  public Set<String> reachableFiles() {
    Manifest current = catalog.current(ops.collection());
    Set<String> out = new HashSet<>();
    List<Manifest> manifests = new ArrayList<>();
    manifests.add(current);
    for (Manifest.HistoryEntry h : current.history()) {
      out.add(qualify(new Path(ops.metadataDir(), h.file())));
      manifests.add(ops.read(h.file()));
    }
    try {
      PointerStore.Pointer p = ops.pointer();
      if (p != null) {
        out.add(qualify(new Path(ops.metadataDir(), p.file())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path dir = ops.collectionDir();
    for (Manifest m : manifests) {
      for (SegmentEntry s : m.segments()) {
        Path segDir = SegmentFiles.segmentDir(dir, s.id());
        out.add(qualify(new Path(segDir, SegmentFiles.DATA_FILE)));
        out.add(qualify(new Path(segDir, SegmentFiles.STATS_FILE)));
        for (IndexFile f : s.indexes().values()) {
          out.add(qualify(new Path(segDir, f.file())));
        }
      }
      for (DeleteFileEntry d : m.deleteFiles()) {
        out.add(qualify(new Path(dir, d.path())));
      }
    }
    return out;
  }

  /**
   * Deletes files under the collection directory that no retained version reaches and that were last modified
   * before {@code olderThanMillis}. The version hint is kept.
   *
   * @return the deleted paths
   */
  public List<String> removeOrphanFiles(long olderThanMillis) {
    Set<String> reachable = reachableFiles();
    FileSystem fs = ops.fileSystem();
    List<String> deleted = new ArrayList<>();
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(ops.collectionDir(), true);
      while (it.hasNext()) {
        FileStatus st = it.next();
        String path = qualify(st.getPath());
        if (reachable.contains(path) || st.getPath().getName().equals(FileSystemPointerStore.HINT)
            || st.getModificationTime() >= olderThanMillis) {
          continue;
        }
        if (fs.delete(st.getPath(), false)) {
          deleted.add(path);
        }
      }
    } catch (FileNotFoundException e) {
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot garbage-collect " + ops.collectionDir(), e);
    }
    if (!deleted.isEmpty()) {
      LOG.info("Removed {} orphan files from {}", deleted.size(), ops.collectionDir());
    }
    return deleted;
  }

  private String qualify(Path p) {
    return ops.fileSystem().makeQualified(p).toString();
  }
}
