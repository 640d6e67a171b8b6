package io.quiver.coordinator;

import io.quiver.engine.catalog.PointerStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.annotation.Nullable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A collection's current-version pointer in a znode ({@code /catalog/<collection>}, data {@code <version> <file>}),
 * swapped with compare-and-set on the znode version: safe with any number of committers on any file system,
 * including S3 where rename is not atomic.
 *
 * <p>Manifest files get unique names ({@code v<N>-<attempt>.json}), so racing committers never overwrite each
 * other's file; the loser deletes its own file. A lost connection during the swap is an unknown outcome
 * ({@link IOException}), after which nothing is deleted.
 */
public final class ZkPointerStore implements PointerStore {
  private final CuratorFramework zk;
  private final String path;
  private final FileSystem fs;
  private final Path metadataDir;
  @Nullable private final ZnodeCache cache;

  public ZkPointerStore(CuratorFramework zk, String collection, FileSystem fs, Path metadataDir) {
    this(zk, collection, fs, metadataDir, null);
  }

  /**
   * @param cache where {@link #current()} reads the pointer from (watched, see {@link ZnodeCache}); null reads
   *              ZooKeeper every time. Swaps always compare-and-set against ZooKeeper itself.
   */
  public ZkPointerStore(CuratorFramework zk, String collection, FileSystem fs, Path metadataDir,
      @Nullable ZnodeCache cache) {
    this.zk = zk;
    this.path = ZkPaths.pointer(collection);
    this.fs = fs;
    this.metadataDir = metadataDir;
    this.cache = cache;
  }

  @Nullable
  @Override
  public Pointer current() throws IOException {
    try {
      return parse(cache != null ? cache.get(path) : zk.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return null;
    } catch (Exception e) {
      throw new IOException("Cannot read the version pointer " + path + " from ZooKeeper", e);
    }
  }

  @Override
  public String fileName(long version, String attemptId) {
    return "v" + version + "-" + (attemptId == null ? "0" : attemptId) + ".json";
  }

  @Override
  public boolean swap(@Nullable Pointer expected, Pointer next, Path staged) throws IOException {
    Path target = new Path(metadataDir, next.file());
    if (!fs.rename(staged, target)) {
      fs.delete(staged, false);
      return false; // nothing published: a clean failure, the committer retries
    }
    byte[] data = (next.version() + " " + next.file()).getBytes(StandardCharsets.UTF_8);
    try {
      if (expected == null) {
        zk.create().creatingParentsIfNeeded().forPath(path, data);
        return true;
      }
      Stat stat = new Stat();
      Pointer now = parse(zk.getData().storingStatIn(stat).forPath(path));
      if (!expected.equals(now)) {
        fs.delete(target, false);
        return false;
      }
      zk.setData().withVersion(stat.getVersion()).forPath(path, data);
      return true;
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
        | KeeperException.NoNodeException e) {
      fs.delete(target, false);
      return false;
    } catch (Exception e) {
      throw new IOException("Swapping " + path + " to v" + next.version() + " has an unknown outcome", e);
    } finally {
      if (cache != null) {
        cache.invalidate(path); // after the write, whatever its outcome: this process reads it afresh
      }
    }
  }

  /** Removes the pointer (after the collection's files are dropped). */
  public static void delete(CuratorFramework zk, String collection) {
    try {
      zk.delete().guaranteed().forPath(ZkPaths.pointer(collection));
    } catch (KeeperException.NoNodeException e) {
      // already gone
    } catch (Exception e) {
      throw new IllegalStateException("Cannot delete the version pointer of " + collection, e);
    }
  }

  @Nullable
  static Pointer parse(@Nullable byte[] data) {
    if (data == null || data.length == 0) {
      return null;
    }
    String s = new String(data, StandardCharsets.UTF_8).trim();
    int sp = s.indexOf(' ');
    if (sp <= 0) {
      throw new IllegalStateException("Corrupt version pointer '" + s + "': expected '<version> <file>'");
    }
    return new Pointer(Long.parseLong(s.substring(0, sp)), s.substring(sp + 1));
  }
}
