package io.quiver.engine.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class VisibilityTest {
  /** (pk, seq, offset) rows of one source. */
  record Src(List<long[]> rows) implements Visibility.Rows {
    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public Object pk(int ord) {
      return rows.get(ord)[0];
    }

    @Override
    public long seq(int ord) {
      return rows.get(ord)[1];
    }

    @Override
    public long offset(int ord) {
      return rows.get(ord)[2];
    }
  }

  @Test
  void newestRowWinsAndLaterDeletesHide() {
    Src walSegment = new Src(List.of(new long[] {1, 1, 10}, new long[] {2, 1, 11}, new long[] {1, 1, 12}));
    Src bulkImport = new Src(List.of(new long[] {2, 2, 0}, new long[] {3, 2, 1}));
    Src tail = new Src(List.of(new long[] {3, RowOrder.TAIL, 40}));
    Visibility.Deletes deletes = new Visibility.Deletes();
    deletes.add(1L, 1, 13); // WAL delete after both writes of pk 1
    deletes.add(2L, 1, 5); // an old delete: before pk 2's rows, hides nothing
    List<RoaringBitmap> hidden = Visibility.hidden(List.of(walSegment, bulkImport, tail), deletes);
    assertThat(hidden.get(0).toArray()).containsExactly(0, 1, 2); // pk1 deleted, pk2 replaced by the import
    assertThat(hidden.get(1).toArray()).containsExactly(1); // pk3 replaced by the tail
    assertThat(hidden.get(2).toArray()).isEmpty();
  }

  @Test
  void agreesWithAReplayOfTheLogOnRandomHistories() {
    Random rnd = new Random(11);
    for (int round = 0; round < 50; round++) {
      // A random history of operations in one global order; split into sources of consecutive commits.
      Map<Long, Boolean> expectedLive = new HashMap<>();
      Map<Long, long[]> expectedWinner = new HashMap<>();
      List<List<long[]>> sources = new ArrayList<>();
      Visibility.Deletes deletes = new Visibility.Deletes();
      long seq = 1;
      long offset = 0;
      for (int commit = 0; commit < 6; commit++) {
        List<long[]> rows = new ArrayList<>();
        for (int op = 0; op < 20; op++) {
          long pk = rnd.nextInt(15);
          offset++;
          if (rnd.nextInt(4) == 0) {
            deletes.add(pk, seq, offset);
            expectedLive.put(pk, false);
          } else {
            rows.add(new long[] {pk, seq, offset});
            expectedLive.put(pk, true);
            expectedWinner.put(pk, new long[] {sources.size(), rows.size() - 1});
          }
        }
        sources.add(rows);
        seq++;
      }
      List<Src> srcs = sources.stream().map(Src::new).toList();
      List<RoaringBitmap> hidden = Visibility.hidden(srcs, deletes);
      int visible = 0;
      for (int s = 0; s < srcs.size(); s++) {
        for (int i = 0; i < srcs.get(s).size(); i++) {
          if (!hidden.get(s).contains(i)) {
            visible++;
            long pk = (Long) srcs.get(s).pk(i);
            assertThat(expectedLive.get(pk)).as("pk %s visible", pk).isTrue();
            assertThat(expectedWinner.get(pk)).containsExactly(s, i);
          }
        }
      }
      assertThat(visible).isEqualTo(expectedLive.values().stream().filter(b -> b).count());
    }
  }
}
