package io.quiver.engine.search;

import io.github.jbellis.jvector.util.Bits;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.index.VectorValues;
import io.quiver.engine.read.RowOrder;
import io.quiver.engine.read.Visibility;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.SegmentData;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;
import org.roaringbitmap.RoaringBitmap;

/**
 * A sealed segment in memory, ready to search: its data, the rows the snapshot hides (older versions of upserted
 * keys, deleted keys) and its opened indexes. Owns the data and indexes: close it.
 */
public final class LoadedSegment implements AutoCloseable, Visibility.Rows {
  private final SegmentEntry entry;
  private final SegmentData data;
  private final Map<String, VectorIndex> indexes;
  private final Map<String, VectorValues> vectors = new HashMap<>();
  private volatile RoaringBitmap hidden = new RoaringBitmap();
  private volatile RoaringBitmap live;
  private final boolean owner;

  public LoadedSegment(SegmentEntry entry, SegmentData data, Map<String, VectorIndex> indexes) {
    this(entry, data, indexes, true);
  }

  private LoadedSegment(SegmentEntry entry, SegmentData data, Map<String, VectorIndex> indexes, boolean owner) {
    this.entry = entry;
    this.data = data;
    this.indexes = new HashMap<>(indexes);
    this.live = all(data.rowCount());
    this.owner = owner;
  }

  /**
   * A view of this segment with another hidden set: it shares data and indexes (so a new snapshot, e.g. with WAL tail
   * rows on top, never disturbs readers of the current one) and does not own them: closing a view frees nothing.
   */
  public LoadedSegment view(RoaringBitmap hiddenRows) {
    LoadedSegment v = new LoadedSegment(entry, data, indexes, false);
    v.vectors.putAll(vectors);
    v.hide(hiddenRows);
    return v;
  }

  private static RoaringBitmap all(int n) {
    RoaringBitmap b = new RoaringBitmap();
    b.add(0L, (long) n);
    return b;
  }

  public SegmentEntry entry() {
    return entry;
  }

  public String id() {
    return entry.id();
  }

  public SegmentData data() {
    return data;
  }

  /** The index opened for {@code field}, or null (then searches are exact scans). */
  @Nullable
  public VectorIndex index(String field) {
    return indexes.get(field);
  }

  /** The vectors of {@code field} as the index package sees them. */
  public VectorValues vectors(FieldSchema field) {
    return vectors.computeIfAbsent(field.name(), n -> VectorValues.of(data.vectors(n), field.dim()));
  }

  /**
   * The value of {@code field} at row {@code ord}: from the segment's columns, or, for a vector column left on disk
   * (see {@link SnapshotLoader}), from the index file that holds the vectors.
   */
  @Nullable
  public Object value(FieldSchema field, int ord) {
    if (field.type().isVector() && !data.hasVectors(field.name())) {
      VectorIndex index = indexes.get(field.name());
      return index == null ? null : index.vector(ord);
    }
    return data.value(field, ord);
  }

  /** Rows hidden in the current snapshot. */
  public RoaringBitmap hidden() {
    return hidden;
  }

  /** Rows visible in the current snapshot. */
  public RoaringBitmap live() {
    return live;
  }

  /** Replaces the hidden set (a new snapshot's deletes or upserts); thread-safe for concurrent readers. */
  public void hide(RoaringBitmap rows) {
    RoaringBitmap l = all(data.rowCount());
    l.andNot(rows);
    this.hidden = rows;
    this.live = l;
  }

  // Visibility.Rows

  @Override
  public int size() {
    return data.rowCount();
  }

  @Override
  public Object pk(int ord) {
    return data.pk(ord);
  }

  @Override
  public long seq(int ord) {
    return RowOrder.effectiveSeq(data.sequenceNumbers()[ord], entry.sequenceNumber());
  }

  @Override
  public long offset(int ord) {
    return data.offsets()[ord];
  }

  /** A RoaringBitmap as jvector's accept set. */
  static Bits bits(RoaringBitmap bitmap) {
    return new Bits() {
      @Override
      public boolean get(int index) {
        return bitmap.contains(index);
      }
    };
  }

  @Override
  public void close() {
    if (!owner) {
      return;
    }
    for (VectorIndex i : indexes.values()) {
      try {
        i.close();
      } catch (IOException ignored) {
        // unmapping is best effort
      }
    }
    data.close();
  }
}
