package io.quiver.spark.write;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.QuiverOptions;
import io.quiver.spark.Warehouses;
import io.quiver.wal.AutoIds;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import javax.annotation.Nullable;
import org.apache.spark.sql.types.StructType;

/** Everything a write task needs, shipped once per job. */
final class WriteSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  final String warehouse;
  final String collection;
  final HadoopConf conf;
  final String schemaJson;
  final int shards;
  final String writeId;
  final String partition;
  final QuiverOptions.OnDuplicate onDuplicate;
  final long segmentRows;
  final RowConverter converter;
  /**
   * Generates the keys of an auto-id collection, one generator per task: {@link AutoIds} with node id
   * {@code (base + p) mod 4096} for task {@code p}, the base random per job.
   */
  final TaskKeys taskKeys;
  private transient CollectionSchema schema;

  WriteSpec(String warehouse, String collection, HadoopConf conf, CollectionSchema schema, int shards,
      String writeId, String partition, QuiverOptions.OnDuplicate onDuplicate, long segmentRows, StructType input) {
    this.warehouse = warehouse;
    this.collection = collection;
    this.conf = conf;
    this.schemaJson = Warehouses.schemaJson(schema);
    this.shards = shards;
    this.writeId = writeId;
    this.partition = partition;
    this.onDuplicate = onDuplicate;
    this.segmentRows = segmentRows;
    this.converter = new RowConverter(input, schema);
    TaskKeys hook = keysForTests;
    this.taskKeys = hook != null ? hook : nodeIds(new SecureRandom().nextInt(AutoIds.MAX_NODE + 1));
    this.schema = schema;
  }

  /** One key generator per write task of an auto-id collection; shipped to the executors with the spec. */
  interface TaskKeys extends Serializable {
    LongSupplier forTask(int partitionId);
  }

  /** The production generators: task {@code p} uses {@link AutoIds} node id {@code (base + p) mod 4096}. */
  static TaskKeys nodeIds(int base) {
    return p -> new AutoIds((base + p) & AutoIds.MAX_NODE)::next;
  }

  /**
   * Test seam, not reachable from write options: when set, writes built afterwards take their keys from it (e.g. a
   * fixed sequence, to make a collision with live rows happen on purpose). Package-private; tests reset it.
   */
  @Nullable static volatile TaskKeys keysForTests;

  synchronized CollectionSchema schema() {
    if (schema == null) {
      schema = Warehouses.schema(schemaJson);
    }
    return schema;
  }
}
