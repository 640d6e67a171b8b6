package io.quiver.serving.milvus;

import io.quiver.coordinator.ZkCluster;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalRecord;
import io.quiver.serving.milvus.MilvusStatus.MilvusException;
import io.quiver.serving.milvus.proto.ShowPartitionsResponse;
import io.quiver.engine.filter.Filters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.annotation.Nullable;

/**
 * Milvus partitions on Quiver's manifest: the partition list lives in the manifest ({@code partitions}) and changes
 * through the one commit path; rows carry their partition in the WAL record, segments in their stats. Two modes, as
 * in Milvus: named partitions (CreatePartition/DropPartition, {@code partition_name} on writes, {@code
 * partition_names} on reads), or a partition key field whose value's hash picks one of {@code _default_0 ..
 * _default_<n-1>} ({@link Sharding#partitionOfKey}), where naming partitions is refused.
 */
final class Partitions {
  /** Milvus's default {@code num_partitions} for a partition-key collection. */
  static final int DEFAULT_KEY_PARTITIONS = 16;
  /** Milvus's default {@code rootCoord.maxPartitionNum}. */
  static final int MAX_PARTITIONS = 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

  private Partitions() {}

  /** How many partitions a new collection gets from its partition key: 0 without one. */
  static int numPartitions(CollectionSchema schema, long asked) {
    FieldSchema key = schema.partitionKey();
    if (key == null) {
      return 0;
    }
    if (asked < 0 || asked > MAX_PARTITIONS) {
      throw new ValidationException("num_partitions", asked, "must be 1.." + MAX_PARTITIONS + " (0 = the default "
          + DEFAULT_KEY_PARTITIONS + ")");
    }
    return asked == 0 ? DEFAULT_KEY_PARTITIONS : (int) asked;
  }

  /** Replaces a new collection's {@code _default} partition by its partition-key partitions. */
  static void partitionKeyPartitions(ZkCluster cluster, String collection, int n) {
    cluster.catalog().committer(collection).commit(CommitMessage.builder("partitions")
        .partitions(Sharding.partitionKeyPartitions(n)).summary("partition-key-partitions", Integer.toString(n))
        .build());
  }

  static void create(ZkCluster cluster, Manifest m, String name) {
    refuseWithPartitionKey(m, "create");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ValidationException("partition_name", name, "a partition name starts with a letter or an underscore "
          + "and holds letters, digits and underscores only (at most 255)");
    }
    if (m.partitions().contains(name)) {
      throw new MilvusException(MilvusStatus.PARAMETER_INVALID, "partition already exists[partition=" + name + "]");
    }
    if (m.partitions().size() >= MAX_PARTITIONS) {
      throw new ValidationException("partition_name", name, "collection " + m.collection() + " has "
          + m.partitions().size() + " partitions, the most allowed");
    }
    List<String> next = new ArrayList<>(m.partitions());
    next.add(name);
    cluster.catalog().committer(m.collection()).commit(CommitMessage.builder("create-partition").partitions(next)
        .summary("partition", name).build());
  }

  /**
   * Drops a partition: one commit removes it from the list and its sealed segments from the manifest. Its rows still
   * in the WAL tail are hidden by the readers' partition restriction, and a later seal of them is dropped by the
   * commit (the partition is gone).
   */
  static void drop(ZkCluster cluster, Manifest m, String name) {
    refuseWithPartitionKey(m, "drop");
    if (WalRecord.DEFAULT_PARTITION.equals(name)) {
      throw new ValidationException("partition_name", name, "the default partition cannot be dropped");
    }
    Collections.checkPartition(m, name);
    List<String> next = new ArrayList<>(m.partitions());
    next.remove(name);
    cluster.catalog().committer(m.collection()).commit(CommitMessage.builder("drop-partition").partitions(next)
        .truncate(name).summary("partition", name).build());
  }

  private static void refuseWithPartitionKey(Manifest m, String what) {
    FieldSchema key = m.schema().partitionKey();
    if (key != null) {
      throw new ValidationException("partition_name", null, "cannot " + what + " a partition of " + m.collection()
          + ": it uses the partition key '" + key.name() + "', which manages its partitions");
    }
  }

  /** The partition a write goes to: the named one (checked), or null for {@code _default} / the partition key. */
  @Nullable
  static String writePartition(Manifest m, String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    FieldSchema key = m.schema().partitionKey();
    if (key != null) {
      throw new ValidationException("partition_name", name, "collection " + m.collection() + " uses the partition "
          + "key '" + key.name() + "'; rows are placed by it, a partition name cannot be given");
    }
    Collections.checkPartition(m, name);
    return name;
  }

  static ShowPartitionsResponse show(ZkCluster cluster, Manifest m, List<String> only) {
    List<String> loaded = loadedNow(cluster, m);
    ShowPartitionsResponse.Builder b = ShowPartitionsResponse.newBuilder().setStatus(MilvusStatus.SUCCESS);
    for (String p : m.partitions()) {
      if (!only.isEmpty() && !only.contains(p)) {
        continue;
      }
      b.addPartitionNames(p).addPartitionIDs(id(m.collection(), p)).addCreatedTimestamps(0)
          .addCreatedUtcTimestamps(0).addInMemoryPercentages(loaded.contains(p) ? 100 : 0);
    }
    for (String p : only) {
      Collections.checkPartition(m, p);
    }
    return b.build();
  }

  /**
   * LoadPartitions: makes {@code names} readable besides those already loaded. A collection loaded whole stays so;
   * a partition-key collection is refused, as Milvus does (its partitions are managed by the key).
   */
  static void load(ZkCluster cluster, Manifest m, List<String> names) {
    checkLoadable(m, names, "load");
    if (cluster.isLoaded(m.collection()) && cluster.loadedPartitions(m.collection()) == null) {
      return; // loaded whole: every partition already is
    }
    Set<String> next = new LinkedHashSet<>(loadedNow(cluster, m));
    next.addAll(names);
    cluster.setLoadedPartitions(m.collection(), inManifestOrder(m, next));
  }

  /**
   * ReleasePartitions: {@code names} stop being readable (a search naming one answers "partition not loaded");
   * releasing the last loaded partition releases the collection. Nodes keep serving the collection's shards while
   * any partition is loaded, but drop the released partitions' sealed segments from memory (they stay in the disk
   * cache; see {@code ShardState}); tail rows not sealed yet stay until sealed.
   */
  static void release(ZkCluster cluster, Manifest m, List<String> names) {
    checkLoadable(m, names, "release");
    if (!cluster.isLoaded(m.collection())) {
      return;
    }
    List<String> next = new ArrayList<>(loadedNow(cluster, m));
    next.removeAll(names);
    if (next.isEmpty()) {
      cluster.setLoaded(m.collection(), false);
    } else {
      cluster.setLoadedPartitions(m.collection(), next);
    }
  }

  private static void checkLoadable(Manifest m, List<String> names, String what) {
    FieldSchema key = m.schema().partitionKey();
    if (key != null) {
      throw new ValidationException("partition_names", names, "cannot " + what + " partitions of " + m.collection()
          + ": it uses the partition key '" + key.name() + "' (load or release the whole collection)");
    }
    if (names.isEmpty()) {
      throw new ValidationException("partition_names", names, "name at least one partition to " + what);
    }
    names.forEach(n -> Collections.checkPartition(m, n));
  }

  /** The partitions loaded now: all of the manifest's when loaded whole, none when released. */
  private static List<String> loadedNow(ZkCluster cluster, Manifest m) {
    if (!cluster.isLoaded(m.collection())) {
      return List.of();
    }
    List<String> only = cluster.loadedPartitions(m.collection());
    return only == null ? m.partitions() : inManifestOrder(m, only);
  }

  private static List<String> inManifestOrder(Manifest m, Collection<String> names) {
    return m.partitions().stream().filter(names::contains).collect(Collectors.toList());
  }

  /** Whether every one of {@code names} is loaded (GetLoadState with partition names). */
  static boolean allLoaded(ZkCluster cluster, Manifest m, List<String> names) {
    names.forEach(n -> Collections.checkPartition(m, n));
    return loadedNow(cluster, m).containsAll(names);
  }

  /**
   * The partitions a read restricts nodes to (empty: no restriction). Names given are checked: unknown is "partition
   * not found", released is "partition not loaded". Without names: the loaded partitions when only some are; with a
   * partition key and a filter pinning the key's values ({@code tenant == "a"}, {@code tenant in [..]}, alone or
   * and-ed with anything), only the partitions those values hash to, so nodes skip the others' segments and tail
   * rows (the row order rule is still applied across all partitions on the node); else {@link
   * Collections#readPartitions}.
   */
  static List<String> forRead(Manifest m, List<String> asked, @Nullable List<String> loadedOnly,
      @Nullable String filter, Map<String, ?> params) {
    List<String> named = Collections.readPartitions(m, asked);
    if (loadedOnly != null) {
      if (asked.isEmpty()) {
        List<String> loaded = inManifestOrder(m, loadedOnly);
        if (loaded.isEmpty()) { // every loaded partition was dropped since
          throw new MilvusException(MilvusStatus.COLLECTION_NOT_LOADED, "collection not loaded[collection="
              + m.collection() + "]: none of its loaded partitions " + loadedOnly + " exists any more");
        }
        return loaded;
      }
      for (String p : named) {
        if (!loadedOnly.contains(p)) {
          throw new MilvusException(MilvusStatus.PARTITION_NOT_LOADED, "partition not loaded[partition=" + p
              + "]: call LoadPartitions first (loaded: " + inManifestOrder(m, loadedOnly) + ")");
        }
      }
      return named;
    }
    FieldSchema key = m.schema().partitionKey();
    if (key == null || filter == null || filter.isBlank()) {
      return named;
    }
    Set<Object> values = Filters.parse(filter, m.schema(), params).keyCandidates(key);
    if (values == null || values.isEmpty()) {
      return named; // not pinned (or contradictory: nothing matches anyway)
    }
    Set<String> pruned = new LinkedHashSet<>();
    values.forEach(v -> pruned.add(Sharding.partitionOfKey(v, m.partitions())));
    return inManifestOrder(m, pruned);
  }

  /** A stable id for a partition (Milvus SDKs show them; Quiver addresses partitions by name). */
  static long id(String collection, String partition) {
    return (collection + "/" + partition).hashCode() & 0x7fffffffL;
  }
}
