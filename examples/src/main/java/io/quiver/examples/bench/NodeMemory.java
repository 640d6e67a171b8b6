package io.quiver.examples.bench;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import io.quiver.serving.server.QuiverServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The memory one serving node holds for a collection, as {@code bench serve} reports it: heap used after GC with the
 * collection loaded minus the same once the node has released it (and freed what it retires), the node's Arrow
 * (off-heap) bytes, and the resident bytes of the files it memory-maps from its cache directory (the {@code Rss} of
 * those mappings in {@code /proc/self/smaps}). Kafka, ZooKeeper, the proxy and the SDK share the JVM but not these
 * figures.
 *
 * @param heap heap bytes the collection's data holds on the node
 * @param offHeap Arrow buffers of the node's segments and tails
 * @param mappedResident resident bytes of the node's mapped index files
 * @param mapped mapped bytes of those files (resident or not)
 */
record NodeMemory(long heap, long offHeap, long mappedResident, long mapped) {
  long total() {
    return heap + offHeap + mappedResident;
  }

  /** Measures, then releases {@code collection} (the node serves nothing of it afterwards). */
  static NodeMemory measure(QuiverServer server, MilvusClientV2 client, String collection, Path cacheDir)
      throws IOException, InterruptedException {
    long loaded = usedHeapAfterGc();
    long offHeap = server.node().offHeapBytes();
    long[] maps = mappedUnder(cacheDir.toRealPath().toString());
    client.releaseCollection(ReleaseCollectionReq.builder().collectionName(collection).build());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (server.node().serving().stream().anyMatch(u -> u.startsWith(collection + "/"))
        || server.node().pendingFrees() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The node still holds " + collection + " 2 min after its release");
      }
      Thread.sleep(100); // polling the node's state; it has no change notification to await
    }
    long released = usedHeapAfterGc();
    return new NodeMemory(Math.max(0, loaded - released), offHeap, maps[0], maps[1]);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** {resident, size} in bytes of this process's mappings of files under {@code dir} (Linux smaps). */
  static long[] mappedUnder(String dir) throws IOException {
    Path smaps = Path.of("/proc/self/smaps");
    if (!Files.isReadable(smaps)) {
      throw new IllegalStateException("Cannot measure mapped memory: /proc/self/smaps is not readable here");
    }
    List<String> lines = Files.readAllLines(smaps);
    long rss = 0;
    long size = 0;
    boolean mine = false;
    for (String line : lines) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] parts = line.trim().split("\\s+", 6);
        mine = parts.length == 6 && parts[5].startsWith(dir);
      } else if (mine && line.startsWith("Rss:")) {
        rss += kilobytes(line) * 1024;
      } else if (mine && line.startsWith("Size:")) {
        size += kilobytes(line) * 1024;
      }
    }
    return new long[] {rss, size};
  }

  private static long kilobytes(String line) {
    String[] p = line.trim().split("\\s+");
    return Long.parseLong(p[1]);
  }
}
