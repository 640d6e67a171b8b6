package io.quiver.engine.read;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Applies the row order rule ({@link RowOrder}) to a snapshot: which rows of which sources are hidden by a newer row
 * with the same primary key (upserts) or by a later delete.
 *
 * <p>Every reader (serving, Spark, Flink, compaction) uses this one class. Cost: one hash map entry per distinct
 * primary key, built in one pass over the sources' key columns and the delete files.
 */
public final class Visibility {
  private Visibility() {}

  /** Rows of one source (a sealed segment or the WAL tail), seen through their keys and order. */
  public interface Rows {
    int size();

    /** Primary key of row {@code ord} ({@code Long} or {@code String}). */
    Object pk(int ord);

    /** Effective sequence number of row {@code ord} (see {@link RowOrder#effectiveSeq}). */
    long seq(int ord);

    long offset(int ord);
  }

  /** Collects deletes: for each key, the greatest delete order seen. */
  public static final class Deletes {
    private final Map<Object, long[]> latest = new HashMap<>();

    /** Adds a delete of {@code pk} at (seq, offset). */
    public void add(Object pk, long seq, long offset) {
      long[] cur = latest.get(pk);
      if (cur == null) {
        latest.put(pk, new long[] {seq, offset});
      } else if (RowOrder.compare(seq, offset, cur[0], cur[1]) > 0) {
        cur[0] = seq;
        cur[1] = offset;
      }
    }

    public int size() {
      return latest.size();
    }

    /** The deleted keys. */
    public java.util.Set<Object> keys() {
      return java.util.Collections.unmodifiableSet(latest.keySet());
    }

    long[] get(Object pk) {
      return latest.get(pk);
    }

    /** Visits each key's greatest delete as (pk, seq, offset). */
    public void forEach(DeleteConsumer consumer) {
      latest.forEach((pk, o) -> consumer.accept(pk, o[0], o[1]));
    }

    /** The greatest delete order of {@code pk} as {seq, offset}, or null. */
    public long[] latest(Object pk) {
      long[] o = latest.get(pk);
      return o == null ? null : o.clone();
    }
  }

  /** Receives one delete. */
  @FunctionalInterface
  public interface DeleteConsumer {
    void accept(Object pk, long seq, long offset);
  }

  /**
   * Returns, per source, the bitmap of hidden row ordinals. A row is visible when it is the greatest row of its key
   * across all sources and no delete of that key is greater.
   */
  public static List<RoaringBitmap> hidden(List<? extends Rows> sources, Deletes deletes) {
    // winner per key: {source, ordinal} packed, and its order
    Map<Object, long[]> best = new HashMap<>();
    for (int s = 0; s < sources.size(); s++) {
      Rows rows = sources.get(s);
      for (int i = 0; i < rows.size(); i++) {
        Object pk = rows.pk(i);
        long seq = rows.seq(i);
        long off = rows.offset(i);
        long[] cur = best.get(pk);
        if (cur == null) {
          best.put(pk, new long[] {seq, off, s, i});
        } else if (RowOrder.compare(seq, off, cur[0], cur[1]) > 0) {
          cur[0] = seq;
          cur[1] = off;
          cur[2] = s;
          cur[3] = i;
        }
      }
    }
    List<RoaringBitmap> hidden = new ArrayList<>(sources.size());
    for (int s = 0; s < sources.size(); s++) {
      hidden.add(new RoaringBitmap());
    }
    for (int s = 0; s < sources.size(); s++) {
      Rows rows = sources.get(s);
      RoaringBitmap h = hidden.get(s);
      for (int i = 0; i < rows.size(); i++) {
        long[] win = best.get(rows.pk(i));
        boolean winner = win[2] == s && win[3] == i;
        if (!winner) {
          h.add(i);
          continue;
        }
        long[] del = deletes.get(rows.pk(i));
        if (del != null && RowOrder.compare(del[0], del[1], win[0], win[1]) > 0) {
          h.add(i);
        }
      }
    }
    return hidden;
  }
}
