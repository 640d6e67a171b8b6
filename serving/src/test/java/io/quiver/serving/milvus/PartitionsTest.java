package io.quiver.serving.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.wal.Sharding;
import io.quiver.serving.milvus.MilvusStatus.MilvusException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which partitions a read restricts nodes to: loaded partitions, and partition-key pruning from the filter. */
class PartitionsTest {
  static final List<String> KEY_PARTS = Sharding.partitionKeyPartitions(8);
  static final Manifest KEYED = Manifest.builder("tenants", CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("vec", 4, MetricType.L2)
      .add(FieldSchema.builder("tenant", DataType.VARCHAR).maxLength(16).partitionKey(true).build())
      .scalar("n", DataType.INT64).build(), 2).partitions(KEY_PARTS).build();
  static final Manifest NAMED = Manifest.builder("parts", CollectionSchema.builder().int64PrimaryKey("id", false)
      .vector("vec", 4, MetricType.L2).build(), 2).partitions(List.of("_default", "p1", "p2")).build();

  static List<String> keyed(String filter) {
    return Partitions.forRead(KEYED, List.of(), null, filter, Map.of());
  }

  @Test
  void aFilterPinningThePartitionKeyReadsOnlyThePartitionsItsValuesHashTo() {
    assertThat(keyed("tenant == \"a\"")).containsExactly(Sharding.partitionOfKey("a", KEY_PARTS));
    assertThat(keyed("n > 3 and tenant == \"a\"")).containsExactly(Sharding.partitionOfKey("a", KEY_PARTS));
    Set<String> ab = new TreeSet<>(List.of(Sharding.partitionOfKey("a", KEY_PARTS),
        Sharding.partitionOfKey("b", KEY_PARTS)));
    assertThat(new TreeSet<>(keyed("tenant in [\"a\", \"b\"]"))).isEqualTo(ab);
    assertThat(new TreeSet<>(keyed("tenant == \"a\" or tenant == \"b\""))).isEqualTo(ab);
    assertThat(Partitions.forRead(KEYED, List.of(), null, "tenant == {t}", Map.of("t", "a")))
        .as("template value").containsExactly(Sharding.partitionOfKey("a", KEY_PARTS));
  }

  @Test
  void filtersThatDoNotPinTheKeyReadEveryPartition() {
    for (String f : new String[] {"n > 3", "tenant != \"a\"", "tenant == \"a\" or n > 3", "not (tenant == \"a\")",
        "tenant like \"a%\""}) {
      assertThat(keyed(f)).as(f).isEqualTo(KEY_PARTS);
    }
    assertThat(keyed(null)).isEqualTo(KEY_PARTS);
  }

  @Test
  void partiallyLoadedCollectionsReadTheirLoadedPartitionsAndRefuseReleasedOnes() {
    assertThat(Partitions.forRead(NAMED, List.of(), null, null, Map.of())).containsExactly("_default", "p1", "p2");
    assertThat(Partitions.forRead(NAMED, List.of(), List.of("p2", "p1"), null, Map.of()))
        .as("manifest order").containsExactly("p1", "p2");
    assertThat(Partitions.forRead(NAMED, List.of("p2"), List.of("p1", "p2"), null, Map.of())).containsExactly("p2");
    assertThatThrownBy(() -> Partitions.forRead(NAMED, List.of("p1", "_default"), List.of("p1"), null, Map.of()))
        .isInstanceOf(MilvusException.class).hasMessageContaining("partition not loaded[partition=_default]")
        .satisfies(e -> assertThat(((MilvusException) e).code()).isEqualTo(MilvusStatus.PARTITION_NOT_LOADED));
    assertThatThrownBy(() -> Partitions.forRead(NAMED, List.of("p9"), List.of("p1"), null, Map.of()))
        .isInstanceOf(MilvusException.class).hasMessageContaining("partition not found[partition=p9]");
    assertThatThrownBy(() -> Partitions.forRead(NAMED, List.of(), List.of("gone"), null, Map.of()))
        .isInstanceOf(MilvusException.class).hasMessageContaining("collection not loaded[collection=parts]");
  }
}
