package io.quiver.serving.milvus;

import io.quiver.coordinator.ZkCluster;
import io.quiver.engine.catalog.CollectionOperations;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.serving.milvus.MilvusStatus.MilvusException;
import io.quiver.serving.proxy.Consistency;
import io.quiver.wal.WalWriter;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.wal.WalRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/**
 * The proxy's per-collection state: cached manifest access (one ZooKeeper read per request, the manifest file read
 * once per version), WAL writers (rebuilt when the schema changes), and the load check.
 */
final class Collections implements AutoCloseable {
  private final ZkCluster cluster;
  private final String kafkaBootstrap;
  private final Map<String, CollectionOperations> ops = new ConcurrentHashMap<>();
  private final Map<String, WalWriter> writers = new ConcurrentHashMap<>();

  Collections(ZkCluster cluster, String kafkaBootstrap) {
    this.cluster = cluster;
    this.kafkaBootstrap = kafkaBootstrap;
  }

  ZkCluster cluster() {
    return cluster;
  }

  static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new MilvusException(MilvusStatus.PARAMETER_INVALID, "collection name should not be empty");
    }
  }

  /** The current manifest; a Milvus "collection not found" error when there is none. */
  Manifest manifest(String name) {
    checkName(name);
    Manifest m;
    try {
      m = ops.computeIfAbsent(name, cluster.catalog()::operations).current();
    } catch (IllegalArgumentException e) {
      m = null; // a name the catalog refuses cannot exist
    }
    if (m == null) {
      throw new MilvusException(MilvusStatus.COLLECTION_NOT_FOUND, "collection not found[database=default]"
          + "[collection=" + name + "]");
    }
    return m;
  }

  /** The partitions LoadPartitions loaded, or null when every partition is (see {@link ZkCluster#loadedPartitions}). */
  @Nullable
  List<String> loadedPartitions(String name) {
    return cluster.loadedPartitions(name);
  }

  /** The manifest of a loaded collection; "collection not loaded" otherwise. */
  Manifest loaded(String name) {
    Manifest m = manifest(name);
    if (!cluster.isLoaded(name)) {
      throw new MilvusException(MilvusStatus.COLLECTION_NOT_LOADED, "collection not loaded[collection=" + name
          + "]: call LoadCollection first");
    }
    return m;
  }

  WalWriter writer(String name, Manifest m) {
    WalWriter w = writers.get(name);
    if (current(w, m)) {
      return w;
    }
    synchronized (this) {
      w = writers.get(name);
      if (current(w, m)) {
        return w;
      }
      if (w != null) {
        w.close();
      }
      w = WalWriter.builder(kafkaBootstrap, name, m.schema(), m.shards()).partitions(m.partitions()).build();
      writers.put(name, w);
      return w;
    }
  }

  private static boolean current(WalWriter w, Manifest m) {
    return w != null && w.schema().equals(m.schema()) && w.shards() == m.shards()
        && w.partitions().equals(m.partitions());
  }

  /**
   * The partitions a read names, checked against the collection: an unknown one is a Milvus "partition not found";
   * with a partition key, naming partitions is refused as Milvus does. Returns what nodes must restrict to: the names
   * given, or, when none are, every partition of the manifest if it has more than {@code _default} (this hides tail
   * rows of a partition dropped a moment ago), else nothing (no restriction).
   */
  static List<String> readPartitions(Manifest m, List<String> asked) {
    if (asked.isEmpty()) {
      return m.partitions().equals(List.of(WalRecord.DEFAULT_PARTITION)) ? List.of() : m.partitions();
    }
    if (m.schema().partitionKey() != null) {
      throw new ValidationException("partition_names", asked, "collection " + m.collection() + " uses the partition "
          + "key '" + m.schema().partitionKey().name() + "'; partition names cannot be given, filter on the key");
    }
    for (String p : asked) {
      checkPartition(m, p);
    }
    return List.copyOf(new java.util.LinkedHashSet<>(asked));
  }

  /** A Milvus "partition not found" unless {@code m} has {@code partition}. */
  static void checkPartition(Manifest m, String partition) {
    if (!m.partitions().contains(partition)) {
      throw new MilvusException(MilvusStatus.PARTITION_NOT_FOUND, "partition not found[partition=" + partition
          + "]: collection " + m.collection() + " has " + m.partitions());
    }
  }

  void forget(String name) {
    ops.remove(name);
    WalWriter w = writers.remove(name);
    if (w != null) {
      w.close();
    }
  }

  /** The consistency level a collection was created with (property {@code milvus.consistency_level}). */
  static Consistency.Level defaultLevel(Manifest m) {
    String v = m.properties().getOrDefault("milvus.consistency_level", "BOUNDED");
    return Consistency.Level.valueOf(v);
  }

  static CollectionSchema schema(Manifest m) {
    return m.schema();
  }

  @Override
  public void close() {
    writers.values().forEach(WalWriter::close);
  }
}
