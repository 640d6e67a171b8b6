package io.quiver.flink.verify;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.DeleteFileEntry;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.read.RowOrder;
import io.quiver.engine.read.Visibility;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.DeleteFiles;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.fs.Path;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads the live rows of a manifest version — every segment and delete file, the row order rule applied by
 * {@link Visibility} — for checks in tests, benchmarks and tools. Loads everything into memory.
 *
 * @param rows visible row by primary key
 * @param sealedRows rows in the segments, hidden ones included
 * @param duplicateOps (shard, offset) pairs found in more than one segment row: a WAL record sealed twice
 */
public record LiveRows(Map<Object, Row> rows, long sealedRows, long duplicateOps) {

  /** Reads {@code manifest}'s live rows from the warehouse of {@code catalog}, every field. */
  public static LiveRows read(Catalog catalog, Manifest manifest) {
    return read(catalog, manifest, null);
  }

  /**
   * Reads {@code manifest}'s live rows from the warehouse of {@code catalog}: the primary key and {@code columns}
   * (null = every field; the rows hold null for the fields left out), e.g. an empty set to check keys only.
   */
  public static LiveRows read(Catalog catalog, Manifest manifest, @Nullable Set<String> columns) {
    Path dir = catalog.collectionDir(manifest.collection());
    List<SegmentData> data = new ArrayList<>();
    List<Source> sources = new ArrayList<>();
    Set<Long> ops = new HashSet<>();
    long duplicates = 0;
    long sealed = 0;
    try (BufferAllocator alloc = new RootAllocator()) {
      try {
        for (SegmentEntry s : manifest.segments()) {
          SegmentData d = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(dir, s.id()), manifest.schema(),
              alloc, columns);
          data.add(d);
          sources.add(new Source(d, s.sequenceNumber()));
          sealed += d.rowCount();
          for (long off : d.offsets()) {
            if (s.stats().shard() >= 0 && !ops.add(((long) s.stats().shard() << 48) | off)) {
              duplicates++;
            }
          }
        }
        Visibility.Deletes deletes = new Visibility.Deletes();
        for (DeleteFileEntry f : manifest.deleteFiles()) {
          for (DeleteFiles.Delete d : DeleteFiles.read(catalog.conf(), new Path(dir, f.path()),
              manifest.schema().primaryKey().type())) {
            deletes.add(d.pk(), f.sequenceNumber(), d.offset());
          }
        }
        List<RoaringBitmap> hidden = Visibility.hidden(sources, deletes);
        Map<Object, Row> out = new HashMap<>();
        for (int s = 0; s < sources.size(); s++) {
          SegmentData d = data.get(s);
          for (int i = 0; i < d.rowCount(); i++) {
            if (!hidden.get(s).contains(i)) {
              out.put(d.pk(i), d.row(i));
            }
          }
        }
        return new LiveRows(out, sealed, duplicates);
      } finally {
        data.forEach(SegmentData::close);
      }
    }
  }

  private record Source(SegmentData data, long segmentSeq) implements Visibility.Rows {
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
      return RowOrder.effectiveSeq(data.sequenceNumbers()[ord], segmentSeq);
    }

    @Override
    public long offset(int ord) {
      return data.offsets()[ord];
    }
  }
}
