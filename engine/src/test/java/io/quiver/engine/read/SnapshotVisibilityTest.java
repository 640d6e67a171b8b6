package io.quiver.engine.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentWriter;
import io.quiver.engine.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key index: disjoint key ranges read nothing; overlapping ones hide the older row; tail rows win. */
class SnapshotVisibilityTest {
  static final CollectionSchema SCHEMA = TestData.docs(4);
  @TempDir Path tmp;

  void commit(Catalog catalog, String id, long firstId, int n) {
    SegmentWriter w = SegmentWriter.create(catalog.conf(), catalog.collectionDir("c"), SCHEMA, id, "_default", 0);
    long off = 0;
    for (Row r : TestData.docs(SCHEMA, firstId, n, 1)) {
      w.write(r, 0, off++);
    }
    catalog.committer("c").commit(CommitMessage.builder("append")
        .addSegment(SegmentEntry.written(w.finish(), Map.of())).build());
  }

  @Test
  void fastPathThenOverlapThenTail() {
    Catalog catalog = Catalog.open(tmp.toUri().toString(), new Configuration());
    catalog.create("c", SCHEMA, 1, Map.of(), Map.of());
    commit(catalog, "a", 0, 10);
    commit(catalog, "b", 10, 10);
    SnapshotVisibility v = SnapshotVisibility.compute(catalog, catalog.current("c"));
    assertThat(v.keysRead()).isFalse();
    assertThat(v.hiddenRows()).isZero();

    commit(catalog, "x", 5, 10);
    v = SnapshotVisibility.compute(catalog, catalog.current("c"));
    assertThat(v.keysRead()).isTrue();
    assertThat(v.hidden("a").getCardinality()).isEqualTo(5);
    assertThat(v.hidden("b").getCardinality()).isEqualTo(5);
    assertThat(v.hidden("x").isEmpty()).isTrue();

    Visibility.Rows tail = new Visibility.Rows() {
      @Override
      public int size() {
        return 1;
      }

      @Override
      public Object pk(int ord) {
        return 7L;
      }

      @Override
      public long seq(int ord) {
        return RowOrder.TAIL;
      }

      @Override
      public long offset(int ord) {
        return 0;
      }
    };
    Visibility.Deletes tailDeletes = new Visibility.Deletes();
    tailDeletes.add(8L, RowOrder.TAIL, 1);
    v = SnapshotVisibility.compute(catalog, catalog.current("c"), List.of(tail), tailDeletes);
    assertThat(v.hidden("x").getCardinality()).as("7 replaced by the tail, 8 deleted in it").isEqualTo(2);
    assertThat(v.extraHidden().get(0).isEmpty()).isTrue();
  }
}
