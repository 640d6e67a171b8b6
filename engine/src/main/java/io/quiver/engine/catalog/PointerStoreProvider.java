package io.quiver.engine.catalog;

import java.util.function.BiFunction;
import javax.annotation.Nullable;
import org.apache.hadoop.conf.Configuration;

/**
 * Chooses where a warehouse's version pointers live, from configuration alone, so that every engine opening the
 * same warehouse (Flink's committer, Spark jobs, the serving tier, the CLI) agrees without code changes. Found by
 * {@link java.util.ServiceLoader}; {@link Catalog#open(String, Configuration)} asks every provider and uses the first
 * that applies, else the warehouse's own folders ({@link FileSystemPointerStore}).
 *
 * <p>The coordinator module provides the ZooKeeper store, active when {@value #ZOOKEEPER} is set (with the
 * namespace {@value #ZOOKEEPER_NAMESPACE}, default {@code quiver}).
 */
public interface PointerStoreProvider {
  /** Hadoop/warehouse property: ZooKeeper connect string of the cluster whose pointer store to use. */
  String ZOOKEEPER = "quiver.catalog.zookeeper";
  /** Hadoop/warehouse property: the Curator namespace of that cluster (default {@code quiver}). */
  String ZOOKEEPER_NAMESPACE = "quiver.catalog.zookeeper.namespace";

  /**
   * The pointer store factory for a warehouse configured by {@code conf}, or null when this provider does not apply.
   */
  @Nullable
  BiFunction<String, Catalog.CollectionOperationsContext, PointerStore> stores(Configuration conf);

  /**
   * Closes the clients this provider shares across catalogs of its class loader (e.g. ZooKeeper connections). Hosts
   * that unload user code call it through {@link Catalog#releaseSharedClients()} before they drop the class loader
   * (Flink's release hook); a later {@link #stores} call connects again.
   */
  default void releaseShared() {
  }
}
