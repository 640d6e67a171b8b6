package io.quiver.engine.wal;

import io.quiver.engine.schema.Row;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One WAL record: an insert or upsert of a validated {@link Row}, or a delete of a primary key, in a partition.
 *
 * @param op what happens
 * @param schemaVersion version of the schema the row was validated against
 * @param partition the partition ({@value #DEFAULT_PARTITION} unless the collection has named partitions)
 * @param pk the primary key ({@code Long} or {@code String})
 * @param row the row for inserts and upserts; null for deletes
 */
public record WalRecord(WalOp op, int schemaVersion, String partition, Object pk, @Nullable Row row) {
  public static final String DEFAULT_PARTITION = "_default";

  public WalRecord {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(pk, "pk");
    if (!(pk instanceof Long) && !(pk instanceof String)) {
      throw new IllegalArgumentException("A primary key is a Long or a String, not " + pk.getClass().getName());
    }
    if ((op == WalOp.DELETE) != (row == null)) {
      throw new IllegalArgumentException(op + " records " + (row == null ? "need a row" : "carry no row"));
    }
  }

  public static WalRecord insert(int schemaVersion, String partition, Object pk, Row row) {
    return new WalRecord(WalOp.INSERT, schemaVersion, partition, pk, row);
  }

  public static WalRecord upsert(int schemaVersion, String partition, Object pk, Row row) {
    return new WalRecord(WalOp.UPSERT, schemaVersion, partition, pk, row);
  }

  public static WalRecord delete(int schemaVersion, String partition, Object pk) {
    return new WalRecord(WalOp.DELETE, schemaVersion, partition, pk, null);
  }
}
