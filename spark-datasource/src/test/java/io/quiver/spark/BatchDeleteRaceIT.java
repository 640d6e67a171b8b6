package io.quiver.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.filter.Filters;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE FROM ... WHERE} racing an upsert, made deterministic: the delete is evaluated on a snapshot, an upsert
 * of a matching key commits, then the delete commits. The delete hides only what its snapshot could see: the
 * re-upserted row stays, the untouched matching rows go.
 */
class BatchDeleteRaceIT {
  @TempDir Path dir;

  @Test
  void deleteHidesOnlyRowsVisibleInTheSnapshotItEvaluated() {
    String warehouse = dir.toUri().toString();
    Catalog catalog = Warehouses.catalog(warehouse, new HadoopConf(Map.of()));
    String c = "raced";
    catalog.create(c, TestRows.schema(), 2, Map.of(), Map.of());
    WalLikeWriter wal = new WalLikeWriter(catalog, c);
    Map<Long, Integer> model = new TreeMap<>();
    Map<Long, Integer> first = new HashMap<>();
    for (long id = 0; id < 20; id++) {
      first.put(id, 1);
    }
    wal.commit(first, List.of());
    model.putAll(first);

    Manifest snapshot = catalog.current(c);
    // Committed after the delete's snapshot, before its commit: key 5 matches the delete's filter.
    Map<Long, Integer> racing = new HashMap<>();
    racing.put(5L, 2);
    racing.put(25L, 2);
    Manifest upserted = wal.commit(racing, List.of());
    model.putAll(racing);
    assertThat(upserted.lastSequenceNumber()).isGreaterThan(snapshot.lastSequenceNumber());

    long deleted = BatchDeletes.delete(catalog, snapshot, Filters.parse("id < 10 or id == 25"));
    assertThat(deleted).as("keys the snapshot showed matching (25 did not exist yet)").isEqualTo(10);
    for (long id = 0; id < 10; id++) {
      if (id != 5) {
        model.remove(id);
      }
    }
    Manifest after = catalog.current(c);
    assertThat(after.deleteFiles()).allSatisfy(d -> assertThat(d.sequenceNumber())
        .as("a batch delete keeps its snapshot's sequence number").isEqualTo(snapshot.lastSequenceNumber()));

    Map<String, String> o = new HashMap<>();
    o.put("warehouse", warehouse);
    o.put("collection", c);
    assertThat(RowOrderAcrossWritersIT.read(SparkTestSession.get(), o))
        .as("the racing upsert of key 5 survives the delete; keys 0-9 otherwise go")
        .isEqualTo(RowOrderAcrossWritersIT.expected(model));

    // Deleting again on the current version now removes the re-upserted row as well.
    assertThat(BatchDeletes.delete(catalog, c, Filters.parse("id == 5"))).isEqualTo(1);
    model.remove(5L);
    assertThat(RowOrderAcrossWritersIT.read(SparkTestSession.get(), o)).isEqualTo(RowOrderAcrossWritersIT.expected(model));
  }
}
