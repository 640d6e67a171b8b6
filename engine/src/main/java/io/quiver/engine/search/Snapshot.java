package io.quiver.engine.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.ValidationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import javax.annotation.Nullable;
import org.roaringbitmap.RoaringBitmap;

/**
 * A loaded collection version: vector search across segments (in parallel on a bounded pool, top-k merged
 * deterministically, ties broken by primary key), hybrid search, query, get by primary key and count. Every answer
 * applies the row order rule: a row hidden by a newer upsert or a later delete never comes back.
 *
 * <p>Thread-safe for concurrent reads. Owns its segments: close it.
 */
public final class Snapshot implements AutoCloseable {
  /** Largest {@code limit + offset} of a query. */
  public static final int MAX_QUERY_WINDOW = 16_384;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Manifest manifest;
  private final List<LoadedSegment> segments;
  private final ExecutorService pool;
  private final boolean ownsSegments;
  private volatile Map<Object, long[]> locations;

  Snapshot(Manifest manifest, List<LoadedSegment> segments, ExecutorService pool) {
    this(manifest, segments, pool, true);
  }

  private Snapshot(Manifest manifest, List<LoadedSegment> segments, ExecutorService pool, boolean ownsSegments) {
    this.manifest = manifest;
    this.segments = List.copyOf(segments);
    this.pool = pool;
    this.ownsSegments = ownsSegments;
  }

  public Manifest manifest() {
    return manifest;
  }

  public CollectionSchema schema() {
    return manifest.schema();
  }

  public List<LoadedSegment> segments() {
    return segments;
  }

  /** Rows visible in this version. */
  public long liveRows() {
    long n = 0;
    for (LoadedSegment s : segments) {
      n += s.live().getLongCardinality();
    }
    return n;
  }

  /**
   * This snapshot with WAL tail rows on top: {@code tail} are in-memory segments of rows not sealed yet (their rows'
   * order is {@link io.quiver.engine.read.RowOrder#TAIL}, after every commit) and {@code tailDeletes} the deletes read
   * from the tail. The row order rule applies across both: a tail upsert or delete hides the sealed rows of its key,
   * a later tail row hides an earlier one. Cost: one pass over the tail, not over the sealed rows (their key index is
   * built once per snapshot).
   *
   * <p>The result shares this snapshot's segments and the tail's data through views; closing it frees nothing, so
   * the caller keeps owning both.
   */
  public Snapshot withTail(List<LoadedSegment> tail, io.quiver.engine.read.Visibility.Deletes tailDeletes) {
    List<RoaringBitmap> tailHidden = io.quiver.engine.read.Visibility.hidden(tail, tailDeletes);
    Map<Integer, RoaringBitmap> changed = new HashMap<>();
    Map<Object, long[]> loc = locations();
    java.util.function.Consumer<Object> hideSealed = pk -> {
      long[] l = loc.get(pk);
      if (l != null) {
        changed.computeIfAbsent((int) l[0], i -> segments.get(i).hidden().clone()).add((int) l[1]);
      }
    };
    for (LoadedSegment t : tail) {
      for (int i = 0; i < t.size(); i++) {
        hideSealed.accept(t.pk(i));
      }
    }
    tailDeletes.keys().forEach(hideSealed);
    List<LoadedSegment> views = new ArrayList<>(segments.size() + tail.size());
    for (int i = 0; i < segments.size(); i++) {
      LoadedSegment s = segments.get(i);
      RoaringBitmap h = changed.get(i);
      views.add(s.view(h == null ? s.hidden() : h));
    }
    for (int i = 0; i < tail.size(); i++) {
      views.add(tail.get(i).view(tailHidden.get(i)));
    }
    return new Snapshot(manifest, views, pool);
  }

  /**
   * This snapshot restricted to the segments of {@code partitions} (Milvus's {@code partition_names}); itself when
   * every segment is in one of them. Visibility was settled across all partitions first (a primary key is unique in
   * the collection: an upsert into another partition hides the old row), so the restriction only drops segments.
   * Like {@link #withTail}, the result shares this snapshot's segments; closing it frees nothing the caller owns.
   */
  public Snapshot partitions(java.util.Collection<String> partitions) {
    java.util.Set<String> wanted = new java.util.HashSet<>(partitions);
    List<LoadedSegment> kept = new ArrayList<>(segments.size());
    for (LoadedSegment s : segments) {
      if (wanted.contains(s.entry().stats().partition())) {
        kept.add(s);
      }
    }
    return kept.size() == segments.size() ? this : new Snapshot(manifest, kept, pool, false);
  }

  /** Top {@code k} (after {@code offset}) hits, best first, with the output fields asked for. */
  public List<Hit> search(SearchRequest req) {
    FieldSchema field = req.validate(schema());
    List<Hit> all = fanOut(req, field);
    all.sort(Hit::compare);
    List<Hit> page = req.groupBy() == null ? page(all, req.offset(), req.k()) : group(all, req);
    return fetch(page, req.outputFields());
  }

  private List<Hit> fanOut(SearchRequest req, FieldSchema field) {
    List<LoadedSegment> todo = new ArrayList<>(segments.size());
    for (LoadedSegment s : segments) {
      if (req.filter() == null || req.filter().mightMatch(s.entry().stats())) {
        todo.add(s);
      }
    }
    // Every segment but the last offered to the pool, the last on this thread (no hand-off at all for one segment).
    // Then this thread runs, itself, every offered segment no pool thread has started yet: an idle pool searches
    // segments side by side, a busy one never makes a search wait in its queue behind other searches' segments
    // (which set the latency tail under load); FutureTask runs each exactly once, whichever thread gets it first.
    List<FutureTask<List<Hit>>> offered = new ArrayList<>();
    for (int i = 0; i < todo.size() - 1; i++) {
      LoadedSegment s = todo.get(i);
      FutureTask<List<Hit>> task = new FutureTask<>(() -> SegmentSearcher.search(s, field, req));
      pool.execute(task);
      offered.add(task);
    }
    List<Hit> all = new ArrayList<>();
    if (!todo.isEmpty()) {
      all.addAll(SegmentSearcher.search(todo.get(todo.size() - 1), field, req));
    }
    for (int i = offered.size() - 1; i >= 0; i--) { // the last offered is the least likely to have started
      offered.get(i).run(); // returns at once when a pool thread has run or is running it
    }
    for (FutureTask<List<Hit>> f : offered) {
      all.addAll(join(f));
    }
    return all;
  }

  /**
   * The result of a search task: its own runtime exception rethrown as is, a checked one wrapped, and an interrupt
   * kept (for callers fanning searches out on a pool of their own, like the serving node).
   */
  public static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while searching", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    }
  }

  private static List<Hit> page(List<Hit> sorted, int offset, int k) {
    if (offset >= sorted.size()) {
      return List.of();
    }
    return new ArrayList<>(sorted.subList(offset, Math.min(sorted.size(), offset + k)));
  }

  /** Milvus's grouping search: the best {@code k} groups (after {@code offset}), up to group_size hits each. */
  private List<Hit> group(List<Hit> sorted, SearchRequest req) {
    FieldSchema g = schema().requireField(req.groupBy());
    Map<Object, List<Hit>> groups = new LinkedHashMap<>();
    for (Hit h : sorted) {
      Object key = segment(h).value(g, h.ordinal());
      List<Hit> members = groups.get(key);
      if (members == null) {
        if (groups.size() >= req.offset() + req.k()) {
          continue;
        }
        members = new ArrayList<>();
        groups.put(key, members);
      }
      if (members.size() < req.groupSize()) {
        members.add(h);
      }
    }
    List<Hit> out = new ArrayList<>();
    int i = 0;
    for (List<Hit> members : groups.values()) {
      if (i++ >= req.offset()) {
        out.addAll(members);
      }
    }
    return out;
  }

  /**
   * Hybrid search: runs each request, fuses the lists by primary key with {@code ranker}, and returns the top
   * {@code k} after {@code offset}; a hit's distance and score are the fused score.
   */
  public List<Hit> hybridSearch(List<SearchRequest> requests, Ranker ranker, int k, int offset,
      List<String> outputFields) {
    if (requests.isEmpty() || requests.size() > 1024) {
      throw new ValidationException("requests", requests.size(), "a hybrid search takes 1 to 1024 requests");
    }
    if (k <= 0 || offset < 0 || offset + k > SearchRequest.MAX_TOP_K) {
      throw new ValidationException("limit", k, "limit must be positive and offset + limit at most "
          + SearchRequest.MAX_TOP_K);
    }
    Map<Object, Hit> first = new HashMap<>();
    Map<Object, Float> fused = new HashMap<>();
    for (int r = 0; r < requests.size(); r++) {
      SearchRequest req = requests.get(r);
      FieldSchema f = req.validate(schema());
      List<Hit> hits = fanOut(req, f);
      hits.sort(Hit::compare);
      hits = page(hits, 0, req.offset() + req.k());
      for (int rank = 0; rank < hits.size(); rank++) {
        Hit h = hits.get(rank);
        fused.merge(h.pk(), ranker.contribution(r, rank, h.distance(), f.metric()), Float::sum);
        first.putIfAbsent(h.pk(), h);
      }
    }
    List<Hit> out = new ArrayList<>();
    fused.forEach((pk, score) -> out.add(first.get(pk).withScore(score, score)));
    out.sort(Hit::compare);
    return fetch(page(out, offset, k), outputFields);
  }

  /**
   * Rows matching {@code filter} (all rows when null), ordered by primary key, after {@code offset}, at most
   * {@code limit}, with {@code outputFields} (the primary key always).
   */
  public List<Map<String, Object>> query(@Nullable SegmentFilter filter, List<String> outputFields, long limit,
      long offset) {
    if (limit < 0 || offset < 0 || limit + offset > MAX_QUERY_WINDOW) {
      throw new ValidationException("limit", limit, "limit and offset must be non-negative and limit + offset at most "
          + MAX_QUERY_WINDOW);
    }
    List<Hit> rows = new ArrayList<>();
    for (LoadedSegment s : segments) {
      if (filter != null && !filter.mightMatch(s.entry().stats())) {
        continue;
      }
      RoaringBitmap m = SegmentSearcher.accept(s, filter);
      m.forEach((int ord) -> rows.add(new Hit(s.data().pk(ord), 0f, 0f, s.id(), ord, Map.of())));
    }
    rows.sort(Comparator.comparing(Hit::pk, Hit::comparePks));
    List<Hit> window = page(rows, (int) Math.min(offset, Integer.MAX_VALUE), (int) limit);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Hit h : fetch(window, outputFields)) {
      out.add(h.fields());
    }
    return out;
  }

  /** Number of visible rows matching {@code filter} (all when null): Milvus's {@code count(*)}. */
  public long count(@Nullable SegmentFilter filter) {
    long n = 0;
    for (LoadedSegment s : segments) {
      if (filter == null) {
        n += s.live().getLongCardinality();
      } else if (filter.mightMatch(s.entry().stats())) {
        n += SegmentSearcher.accept(s, filter).getLongCardinality();
      }
    }
    return n;
  }

  /** The visible rows with these primary keys, in the order asked; missing keys are skipped. */
  public List<Map<String, Object>> get(List<?> pks, List<String> outputFields) {
    Map<Object, long[]> loc = locations();
    List<Hit> hits = new ArrayList<>();
    for (Object pk : pks) {
      long[] l = loc.get(pk);
      if (l != null) {
        LoadedSegment s = segments.get((int) l[0]);
        hits.add(new Hit(pk, 0f, 0f, s.id(), (int) l[1], Map.of()));
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Hit h : fetch(hits, outputFields)) {
      out.add(h.fields());
    }
    return out;
  }

  private Map<Object, long[]> locations() {
    Map<Object, long[]> l = locations;
    if (l == null) {
      l = new HashMap<>();
      for (int i = 0; i < segments.size(); i++) {
        LoadedSegment s = segments.get(i);
        int si = i;
        Map<Object, long[]> target = l;
        s.live().forEach((int ord) -> target.put(s.data().pk(ord), new long[] {si, ord}));
      }
      locations = l;
    }
    return l;
  }

  private LoadedSegment segment(Hit h) {
    for (LoadedSegment s : segments) {
      if (s.id().equals(h.segmentId())) {
        return s;
      }
    }
    throw new IllegalStateException("Hit from unknown segment " + h.segmentId());
  }

  /** Second phase: reads the output fields of the final hits only. */
  private List<Hit> fetch(List<Hit> hits, List<String> outputFields) {
    CollectionSchema schema = schema();
    List<String> names = new ArrayList<>();
    for (String f : outputFields) {
      if ("*".equals(f)) {
        names.addAll(schema.fieldNames());
      } else {
        names.add(f);
      }
    }
    List<Hit> out = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      LoadedSegment s = segment(h);
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put(schema.primaryKey().name(), h.pk());
      JsonNode meta = null;
      for (String name : names) {
        FieldSchema f = schema.field(name);
        if (f != null) {
          fields.put(name, s.value(f, h.ordinal()));
          continue;
        }
        if (meta == null) {
          meta = meta(s, h.ordinal());
        }
        if (CollectionSchema.DYNAMIC_FIELD.equals(name) && schema.dynamicField()) {
          fields.put(name, JSON.convertValue(meta, Map.class)); // every dynamic key, as Milvus's "*" shows them
          continue;
        }
        JsonNode v = meta.get(name);
        if (v != null) {
          fields.put(name, JSON.convertValue(v, Object.class));
        }
      }
      out.add(h.withFields(fields));
    }
    return out;
  }

  private static JsonNode meta(LoadedSegment s, int ord) {
    String text = s.data().row(ord).meta();
    if (text == null) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  @Override
  public void close() {
    if (ownsSegments) {
      segments.forEach(LoadedSegment::close);
    }
  }
}
