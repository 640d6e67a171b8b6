package io.quiver.engine.search;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.fs.Path;
import org.roaringbitmap.RoaringBitmap;

/**
 * One segment searched on its own, for batch engines that spread a snapshot's segments over tasks (Spark's kNN
 * join): load a segment with the hidden rows the driver computed for the whole snapshot
 * ({@link io.quiver.engine.read.SnapshotVisibility}), search it with the same code {@link Snapshot#search} uses,
 * then merge the per-segment lists with {@link #merge}. The merged top-k equals {@link Snapshot#search} over the same
 * version, request and index files.
 */
public final class SegmentSearch {
  /** Best first: higher score, then smaller primary key (the order {@link Snapshot#search} returns). */
  public static final java.util.Comparator<Hit> BEST_FIRST = Hit::compare;

  private SegmentSearch() {}

  /** Loads a segment's data and (non-FLAT) indexes and hides {@code hidden}. The caller closes it. */
  public static LoadedSegment load(Catalog catalog, String collection, CollectionSchema schema, SegmentEntry entry,
      RoaringBitmap hidden, BufferAllocator allocator, @Nullable IndexCache cache) {
    Path dir = catalog.collectionDir(collection);
    LoadedSegment seg = SnapshotLoader.loadSegment(catalog, dir, schema, entry, allocator, cache);
    seg.hide(hidden);
    return seg;
  }

  /**
   * The segment's top {@code offset + k} hits for {@code req} (stats pruning included), with {@code outputFields}
   * read from the segment ({@code "*"}: every scalar field).
   */
  public static List<Hit> search(LoadedSegment seg, SearchRequest req) {
    FieldSchema field = req.validate(seg.data().schema());
    if (req.filter() != null && !req.filter().mightMatch(seg.entry().stats())) {
      return List.of();
    }
    List<Hit> hits = SegmentSearcher.search(seg, field, req);
    if (req.outputFields().isEmpty()) {
      return hits;
    }
    CollectionSchema schema = seg.data().schema();
    List<FieldSchema> out = new ArrayList<>();
    for (String name : req.outputFields()) {
      if (name.equals("*")) {
        schema.fields().stream().filter(f -> !f.type().isVector()).forEach(out::add);
      } else if (schema.field(name) != null) {
        out.add(schema.field(name));
      }
    }
    List<Hit> withFields = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (FieldSchema f : out) {
        values.put(f.name(), seg.value(f, h.ordinal()));
      }
      withFields.add(new Hit(h.pk(), h.distance(), h.score(), h.segmentId(), h.ordinal(), values));
    }
    return withFields;
  }

  /** Merges per-segment hit lists into the global page: best first, ties broken as {@link Snapshot#search} does. */
  public static List<Hit> merge(List<Hit> all, int offset, int k) {
    List<Hit> sorted = new ArrayList<>(all);
    sorted.sort(Hit::compare);
    if (offset >= sorted.size()) {
      return List.of();
    }
    return new ArrayList<>(sorted.subList(offset, Math.min(sorted.size(), offset + k)));
  }
}
