package io.quiver.spark.read;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * The visible rows of the unsealed WAL tail that match the filter, decoded on the driver (which had to read their
 * keys for visibility anyway): values in schema field order, then {@code $meta}.
 */
final class TailPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  final ReadContext context;
  final List<Object[]> rows;

  TailPartition(ReadContext context, List<Object[]> rows) {
    this.context = context;
    this.rows = List.copyOf(rows);
  }
}
