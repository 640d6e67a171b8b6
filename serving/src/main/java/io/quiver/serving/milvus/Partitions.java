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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
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

  static ShowPartitionsResponse show(Manifest m, boolean loaded, List<String> only) {
    ShowPartitionsResponse.Builder b = ShowPartitionsResponse.newBuilder().setStatus(MilvusStatus.SUCCESS);
    for (String p : m.partitions()) {
      if (!only.isEmpty() && !only.contains(p)) {
        continue;
      }
      b.addPartitionNames(p).addPartitionIDs(id(m.collection(), p)).addCreatedTimestamps(0)
          .addCreatedUtcTimestamps(0).addInMemoryPercentages(loaded ? 100 : 0);
    }
    for (String p : only) {
      Collections.checkPartition(m, p);
    }
    return b.build();
  }

  /** A stable id for a partition (Milvus SDKs show them; Quiver addresses partitions by name). */
  static long id(String collection, String partition) {
    return (collection + "/" + partition).hashCode() & 0x7fffffffL;
  }
}
