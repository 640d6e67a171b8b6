package io.quiver.coordinator;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.PointerStore;
import io.quiver.engine.catalog.PointerStoreProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.annotation.Nullable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Puts a warehouse's version pointers in ZooKeeper when {@value PointerStoreProvider#ZOOKEEPER} is set, so Flink's
 * committer, Spark jobs and the CLI commit through the same compare-and-set as the serving tier. One Curator client
 * per (connect string, namespace) and class loader, closed by {@link #releaseShared()} (Flink calls it when it
 * releases the job's class loader) or, failing that, when the JVM exits.
 */
public final class ZkPointerStoreProvider implements PointerStoreProvider {
  private static final Map<String, Shared> CLIENTS = new ConcurrentHashMap<>();

  /** A client and the shutdown hook that closes it unless {@link #releaseShared()} did first. */
  private record Shared(CuratorFramework zk, Thread closeAtExit) {
  }

  @Nullable
  @Override
  public BiFunction<String, Catalog.CollectionOperationsContext, PointerStore> stores(Configuration conf) {
    String connect = conf.get(ZOOKEEPER);
    if (connect == null || connect.isBlank()) {
      return null;
    }
    String namespace = conf.get(ZOOKEEPER_NAMESPACE, "quiver");
    CuratorFramework zk = CLIENTS.computeIfAbsent(connect + "/" + namespace, k -> connect(connect, namespace)).zk();
    return (name, ctx) -> new ZkPointerStore(zk, name, ctx.fs(), new Path(ctx.collectionDir(), "metadata"));
  }

  @Override
  public void releaseShared() {
    for (String key : CLIENTS.keySet()) {
      Shared shared = CLIENTS.remove(key);
      if (shared != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(shared.closeAtExit());
        } catch (IllegalStateException exiting) {
          continue; // the JVM is shutting down and the hook closes the client
        }
        shared.zk().close();
      }
    }
  }

  private static Shared connect(String connect, String namespace) {
    CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connect).namespace(namespace)
        .sessionTimeoutMs(30_000).connectionTimeoutMs(15_000)
        .retryPolicy(new ExponentialBackoffRetry(50, 10, 1_000)).build();
    zk.start();
    try {
      if (!zk.blockUntilConnected(15, TimeUnit.SECONDS)) {
        zk.close();
        throw new IllegalStateException("Cannot connect to ZooKeeper at " + connect + " (" + ZOOKEEPER + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      zk.close();
      throw new IllegalStateException("Interrupted while connecting to ZooKeeper at " + connect, e);
    }
    Thread closeAtExit = new Thread(zk::close, "quiver-zk-pointer-store-close");
    Runtime.getRuntime().addShutdownHook(closeAtExit);
    return new Shared(zk, closeAtExit);
  }
}
