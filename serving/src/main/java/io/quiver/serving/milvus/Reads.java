package io.quiver.serving.milvus;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.search.Ranker;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.Snapshot;
import io.quiver.serving.internal.NodeHit;
import io.quiver.serving.internal.NodeRequest;
import io.quiver.serving.milvus.proto.FieldData;
import io.quiver.serving.milvus.proto.IDs;
import io.quiver.serving.milvus.proto.KeyValuePair;
import io.quiver.serving.milvus.proto.LongArray;
import io.quiver.serving.milvus.proto.PlaceholderGroup;
import io.quiver.serving.milvus.proto.PlaceholderValue;
import io.quiver.serving.milvus.proto.QueryResults;
import io.quiver.serving.milvus.proto.ScalarField;
import io.quiver.serving.milvus.proto.SearchResultData;
import io.quiver.serving.milvus.proto.SearchResults;
import io.quiver.serving.milvus.proto.StringArray;
import io.quiver.serving.node.NodeRequests;
import io.quiver.serving.proxy.Consistency;
import io.quiver.serving.proxy.Proxy;
import io.quiver.serving.metrics.ServingMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Search, hybrid search, query, count and get over the cluster: parse and validate the Milvus request against the
 * schema (errors name field, value and reason before any node is asked), resolve the consistency level into offsets
 * to wait for, fan out, and merge the nodes' local answers into the global page.
 */
final class Reads {
  /** One merged hit with its fields decoded. */
  record Found(Object pk, float distance, float score, Map<String, Object> fields) {}

  private final Collections collections;
  private final Proxy proxy;
  private final Consistency consistency;
  private final long timeoutMillis;

  Reads(Collections collections, Proxy proxy, Consistency consistency, long timeoutMillis) {
    this.collections = collections;
    this.proxy = proxy;
    this.consistency = consistency;
    this.timeoutMillis = timeoutMillis;
  }

  private static final Comparator<Found> ORDER = (a, b) -> {
    int c = Float.compare(b.score(), a.score());
    return c != 0 ? c : comparePks(a.pk(), b.pk());
  };

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int comparePks(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  private static Map<String, String> kv(List<KeyValuePair> list) {
    Map<String, String> m = new HashMap<>();
    list.forEach(p -> m.put(p.getKey(), p.getValue()));
    return m;
  }

  private NodeRequest template(String collection, Manifest m, io.quiver.serving.milvus.proto.ConsistencyLevel level,
      boolean useDefault, long guaranteeTs, String readToken, List<String> partitionNames, @Nullable String filter,
      Map<String, ?> params) {
    Consistency.Level l = useDefault ? Collections.defaultLevel(m) : Consistency.Level.values()[level.getNumber()];
    List<String> partitions = Partitions.forRead(m, partitionNames, collections.loadedPartitions(collection), filter,
        params);
    Map<Integer, Long> wait = consistency.waitOffsets(collection, m.shards(), l, guaranteeTs, readToken);
    return NodeRequest.newBuilder().setCollection(collection).putAllWaitOffsets(wait).setWaitMillis(timeoutMillis)
        .setMinManifestVersion(0).addAllPartitions(partitions).setStalenessMillis(consistency.stalenessMillis(l))
        .build();
  }

  // ---- search

  SearchResults search(io.quiver.serving.milvus.proto.SearchRequest r) {
    long t0 = System.nanoTime();
    Manifest m = collections.loaded(r.getCollectionName());
    CollectionSchema schema = m.schema();
    Parsed p = parse(r, schema);
    NodeRequest tpl = template(r.getCollectionName(), m, r.getConsistencyLevel(), r.getUseDefaultConsistency(),
        r.getGuaranteeTimestamp(), p.readToken, r.getPartitionNamesList(), p.filter, p.params);
    List<List<Found>> perQuery = new ArrayList<>();
    for (float[] q : p.vectors) {
      perQuery.add(skip(searchOne(r.getCollectionName(), m, tpl, p.search(q)), p.offset, p.groupBy));
    }
    ServingMetrics.observeQuery("search", t0);
    return results(schema, perQuery, p.output, p.groupBy, p.k);
  }

  /** A parsed Milvus search request (one field, nq vectors). */
  static final class Parsed {
    String field;
    List<float[]> vectors = new ArrayList<>();
    int k;
    int offset;
    String filter;
    Map<String, Object> params;
    List<String> output;
    Integer ef;
    Float radius;
    Float rangeFilter;
    String groupBy;
    int groupSize = 1;
    String readToken;

    NodeRequests.Search search(float[] q) {
      // Nodes return the top offset + k of their shards; the proxy applies the offset after merging.
      return new NodeRequests.Search(field, q, offset + k, 0, filter, params, output, ef, radius, rangeFilter,
          groupBy, groupSize);
    }
  }

  Parsed parse(io.quiver.serving.milvus.proto.SearchRequest r, CollectionSchema schema) {
    Map<String, String> sp = kv(r.getSearchParamsList());
    Parsed p = new Parsed();
    p.field = sp.get("anns_field");
    if (p.field == null || p.field.isEmpty()) {
      List<FieldSchema> vf = schema.vectorFields();
      if (vf.size() != 1) {
        throw new ValidationException("anns_field", null, "the collection has " + vf.size()
            + " vector fields; name the one to search");
      }
      p.field = vf.get(0).name();
    }
    FieldSchema f = schema.field(p.field);
    if (f == null || !f.type().isVector()) {
      throw new ValidationException("anns_field", p.field, "not a vector field of the collection");
    }
    p.k = intParam(sp, "topk", sp.containsKey("limit") ? sp.get("limit") : "10");
    p.offset = intParam(sp, "offset", "0");
    JsonNode params = json(sp.get("params"));
    if (sp.containsKey("metric_type") && !sp.get("metric_type").isEmpty()) {
      MetricType mt;
      try {
        mt = MetricType.parse(sp.get("metric_type"));
      } catch (IllegalArgumentException e) {
        throw new ValidationException("metric_type", sp.get("metric_type"), "expected L2, IP or COSINE");
      }
      if (mt != f.metric()) {
        throw new ValidationException("metric_type", sp.get("metric_type"), "field '" + p.field + "' is indexed with "
            + f.metric());
      }
    }
    String ef = first(sp, params, "ef", "search_list", "search_width");
    p.ef = ef == null ? null : (int) Double.parseDouble(ef);
    String radius = first(sp, params, "radius");
    String range = first(sp, params, "range_filter");
    p.radius = radius == null ? null : Float.parseFloat(radius);
    p.rangeFilter = range == null ? null : Float.parseFloat(range);
    p.groupBy = emptyToNull(sp.get("group_by_field"));
    p.groupSize = intParam(sp, "group_size", "1");
    p.readToken = first(sp, params, "read_token");
    p.filter = emptyToNull(r.getDsl());
    p.params = FieldDataCodec.templateValues(r.getExprTemplateValuesMap());
    p.output = outputs(schema, r.getOutputFieldsList());
    if (p.groupBy != null && !p.output.contains(p.groupBy)) {
      p.output.add(p.groupBy);
    }
    p.vectors = vectors(r.getPlaceholderGroup(), f);
    // validate once here, with the full page, so bad input never reaches a node
    new NodeRequests.Search(p.field, p.vectors.get(0), p.k, p.offset, p.filter, p.params, p.output, p.ef, p.radius,
        p.rangeFilter, p.groupBy, p.groupSize).toEngine(schema).validate(schema);
    for (float[] v : p.vectors) {
      SearchRequest.builder(p.field, v).k(p.k).offset(p.offset).build().validate(schema);
    }
    return p;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static JsonNode json(String s) {
    if (s == null || s.isBlank()) {
      return NodeRequests.JSON.createObjectNode();
    }
    try {
      return NodeRequests.JSON.readTree(s);
    } catch (Exception e) {
      throw new ValidationException("params", s, "not a JSON object");
    }
  }

  private static String first(Map<String, String> sp, JsonNode params, String... keys) {
    for (String k : keys) {
      if (params.has(k) && !params.get(k).isNull()) {
        return params.get(k).asText();
      }
      if (sp.containsKey(k) && !sp.get(k).isEmpty()) {
        return sp.get(k);
      }
    }
    return null;
  }

  private static int intParam(Map<String, String> sp, String key, String dflt) {
    String v = sp.getOrDefault(key, dflt);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new ValidationException(key, v, "must be an integer");
    }
  }

  /**
   * Output field names: {@code *} is every declared field plus, with the dynamic field enabled, {@code $meta} (every
   * dynamic key, as Milvus answers {@code *}); other names not declared are dynamic keys. With {@code $meta} in the
   * list, single dynamic keys are dropped (it holds them all).
   */
  static List<String> outputs(CollectionSchema schema, List<String> asked) {
    List<String> out = new ArrayList<>();
    for (String o : asked) {
      if ("*".equals(o)) {
        for (String n : schema.fieldNames()) {
          if (!out.contains(n)) {
            out.add(n);
          }
        }
        if (schema.dynamicField() && !out.contains(CollectionSchema.DYNAMIC_FIELD)) {
          out.add(CollectionSchema.DYNAMIC_FIELD);
        }
      } else if (!out.contains(o)) {
        if (schema.field(o) == null && !schema.dynamicField()) {
          throw new ValidationException("output_fields", o, "unknown field; the schema has " + schema.fieldNames());
        }
        out.add(o);
      }
    }
    if (out.contains(CollectionSchema.DYNAMIC_FIELD)) {
      out.removeIf(o -> schema.field(o) == null && !CollectionSchema.DYNAMIC_FIELD.equals(o));
    }
    return out;
  }

  private static List<float[]> vectors(ByteString placeholder, FieldSchema f) {
    PlaceholderGroup g;
    try {
      g = PlaceholderGroup.parseFrom(placeholder);
    } catch (InvalidProtocolBufferException e) {
      throw new ValidationException("placeholder_group", null, "not a PlaceholderGroup: " + e.getMessage());
    }
    if (g.getPlaceholdersCount() == 0 || g.getPlaceholders(0).getValuesCount() == 0) {
      throw new ValidationException("data", null, "no query vector given");
    }
    PlaceholderValue pv = g.getPlaceholders(0);
    if (pv.getTypeValue() != 101) {
      throw new ValidationException("data", pv.getType().name(), "only float vectors can be searched; field '"
          + f.name() + "' is " + f.typeString());
    }
    List<float[]> out = new ArrayList<>();
    for (ByteString b : pv.getValuesList()) {
      ByteBuffer buf = b.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[buf.remaining() / 4];
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getFloat();
      }
      out.add(v);
    }
    return out;
  }

  List<Found> searchOne(String collection, Manifest m, NodeRequest tpl, NodeRequests.Search s) {
    NodeRequest req = tpl.toBuilder().setSearch(s.toProto()).build();
    List<Found> all = new ArrayList<>();
    for (io.quiver.serving.internal.NodeHits hits : proxy.fanOut(collection, m.shards(), req, timeoutMillis,
        (stub, q) -> stub.search(q))) {
      for (NodeHit h : hits.getHitsList()) {
        Object pk = h.hasIntPk() ? (Object) h.getIntPk() : h.getStrPk();
        all.add(new Found(pk, h.getDistance(), h.getScore(), NodeRequests.hitFields(pk, h.getFieldsList(), m.schema())));
      }
    }
    all.sort(ORDER);
    int k = s.k(); // offset + k, see Parsed.search
    if (s.groupBy() == null) {
      return all.subList(0, Math.min(all.size(), k));
    }
    return group(all, s.groupBy(), s.groupSize(), k);
  }

  /** Drops the first {@code offset} hits (or, when grouping, the hits of the first {@code offset} groups). */
  private static List<Found> skip(List<Found> page, int offset, String groupBy) {
    if (offset == 0) {
      return page;
    }
    if (groupBy == null) {
      return page.subList(Math.min(offset, page.size()), page.size());
    }
    List<Found> out = new ArrayList<>();
    List<Object> seen = new ArrayList<>();
    for (Found h : page) {
      Object key = h.fields().get(groupBy);
      if (!seen.contains(key)) {
        seen.add(key);
      }
      if (seen.indexOf(key) >= offset) {
        out.add(h);
      }
    }
    return out;
  }

  private static List<Found> group(List<Found> sorted, String field, int size, int groups) {
    Map<Object, List<Found>> g = new LinkedHashMap<>();
    for (Found h : sorted) {
      Object key = h.fields().get(field);
      List<Found> members = g.get(key);
      if (members == null) {
        if (g.size() >= groups) {
          continue;
        }
        members = new ArrayList<>();
        g.put(key, members);
      }
      if (members.size() < size) {
        members.add(h);
      }
    }
    List<Found> out = new ArrayList<>();
    g.values().forEach(out::addAll);
    return out;
  }

  /** Milvus SearchResults from per-query pages (offset applied here). */
  SearchResults results(CollectionSchema schema, List<List<Found>> perQuery, List<String> output, String groupBy,
      int k) {
    SearchResultData.Builder d = SearchResultData.newBuilder().setNumQueries(perQuery.size()).setTopK(k)
        .setPrimaryFieldName(schema.primaryKey().name());
    List<Found> flat = new ArrayList<>();
    for (List<Found> q : perQuery) {
      flat.addAll(q);
      d.addTopks(q.size());
    }
    boolean intPk = schema.primaryKey().type() == io.quiver.engine.schema.DataType.INT64;
    LongArray.Builder ints = LongArray.newBuilder();
    StringArray.Builder strs = StringArray.newBuilder();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Found h : flat) {
      if (intPk) {
        ints.addData((Long) h.pk());
      } else {
        strs.addData((String) h.pk());
      }
      d.addScores(h.distance());
      rows.add(h.fields());
    }
    d.setIds(intPk ? IDs.newBuilder().setIntId(ints) : IDs.newBuilder().setStrId(strs));
    addColumns(schema, output, rows, d::addFieldsData);
    answerOutputs(output, rows).forEach(d::addOutputFields);
    if (groupBy != null) {
      d.setGroupByFieldValue(FieldDataCodec.column(schema.field(groupBy), rows));
    }
    return SearchResults.newBuilder().setStatus(MilvusStatus.SUCCESS).setResults(d).build();
  }

  /**
   * The {@code output_fields} of an answer: with {@code $meta} asked for ({@code *}), the dynamic keys the rows hold
   * stand in its place, so the SDKs put each key beside the declared fields (the Java SDK's search results name
   * only what the list names; the {@code $meta} column carries the values).
   */
  static List<String> answerOutputs(List<String> output, List<Map<String, Object>> rows) {
    if (!output.contains(CollectionSchema.DYNAMIC_FIELD)) {
      return output;
    }
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(output);
    out.remove(CollectionSchema.DYNAMIC_FIELD);
    for (Map<String, Object> r : rows) {
      if (r.get(CollectionSchema.DYNAMIC_FIELD) instanceof Map<?, ?> meta) {
        meta.keySet().forEach(k -> out.add(String.valueOf(k)));
      }
    }
    return new ArrayList<>(out);
  }

  static void addColumns(CollectionSchema schema, List<String> output, List<Map<String, Object>> rows,
      java.util.function.Consumer<FieldData> sink) {
    List<String> dynamic = new ArrayList<>();
    for (String o : output) {
      FieldSchema f = schema.field(o);
      if (f == null) {
        dynamic.add(o);
      } else {
        sink.accept(FieldDataCodec.column(f, rows));
      }
    }
    if (!dynamic.isEmpty()) {
      sink.accept(FieldDataCodec.dynamicColumn(dynamic, rows));
    }
  }

  // ---- hybrid search

  SearchResults hybridSearch(io.quiver.serving.milvus.proto.HybridSearchRequest r) {
    long t0 = System.nanoTime();
    Manifest m = collections.loaded(r.getCollectionName());
    CollectionSchema schema = m.schema();
    Map<String, String> rank = kv(r.getRankParamsList());
    int limit = intParam(rank, "limit", "10");
    int offset = intParam(rank, "offset", "0");
    if (limit <= 0 || offset < 0 || limit + offset > SearchRequest.MAX_TOP_K) {
      throw new ValidationException("limit", limit, "limit must be positive and offset + limit at most "
          + SearchRequest.MAX_TOP_K);
    }
    Ranker ranker = ranker(rank, r.getRequestsCount());
    List<String> output = outputs(schema, r.getOutputFieldsList());
    NodeRequest tpl = template(r.getCollectionName(), m, r.getConsistencyLevel(), r.getUseDefaultConsistency(),
        r.getGuaranteeTimestamp(), null, r.getPartitionNamesList(), null, Map.of());
    List<Parsed> subs = new ArrayList<>();
    List<NodeRequest> tpls = new ArrayList<>();
    for (io.quiver.serving.milvus.proto.SearchRequest sub : r.getRequestsList()) {
      Parsed p = parse(sub, schema);
      p.output = output;
      subs.add(p);
      // one consistency wait for all sub-searches; each prunes partition-key partitions by its own filter
      List<String> partitions = Partitions.forRead(m, r.getPartitionNamesList(),
          collections.loadedPartitions(r.getCollectionName()), p.filter, p.params);
      tpls.add(tpl.toBuilder().clearPartitions().addAllPartitions(partitions).build());
    }
    int nq = subs.get(0).vectors.size();
    List<List<Found>> perQuery = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      Map<Object, Found> first = new HashMap<>();
      Map<Object, Float> fused = new HashMap<>();
      for (int i = 0; i < subs.size(); i++) {
        Parsed p = subs.get(i);
        MetricType metric = schema.field(p.field).metric();
        List<Found> hits = searchOne(r.getCollectionName(), m, tpls.get(i), p.search(p.vectors.get(q)));
        for (int rk = 0; rk < hits.size(); rk++) {
          Found h = hits.get(rk);
          fused.merge(h.pk(), ranker.contribution(i, rk, h.distance(), metric), Float::sum);
          first.putIfAbsent(h.pk(), h);
        }
      }
      List<Found> out = new ArrayList<>();
      fused.forEach((pk, s) -> {
        Found h = first.get(pk);
        out.add(new Found(pk, s, s, h.fields()));
      });
      out.sort(ORDER);
      perQuery.add(out.subList(Math.min(offset, out.size()), Math.min(out.size(), offset + limit)));
    }
    ServingMetrics.observeQuery("hybrid_search", t0);
    return results(schema, perQuery, output, null, limit);
  }

  private static Ranker ranker(Map<String, String> rank, int requests) {
    String strategy = rank.getOrDefault("strategy", "rrf");
    JsonNode params = json(rank.get("params"));
    if ("weighted".equalsIgnoreCase(strategy)) {
      List<Float> w = new ArrayList<>();
      params.path("weights").forEach(n -> w.add((float) n.asDouble()));
      if (w.size() != requests) {
        throw new ValidationException("weights", w, "one weight per search request is needed (" + requests + ")");
      }
      return Ranker.weighted(w);
    }
    if (!"rrf".equalsIgnoreCase(strategy)) {
      throw new ValidationException("strategy", strategy, "supported rankers: rrf, weighted");
    }
    return Ranker.rrf(params.path("k").asInt(60));
  }

  // ---- query, count, get

  QueryResults query(io.quiver.serving.milvus.proto.QueryRequest r) {
    long t0 = System.nanoTime();
    Manifest m = collections.loaded(r.getCollectionName());
    CollectionSchema schema = m.schema();
    Map<String, String> qp = kv(r.getQueryParamsList());
    String filter = emptyToNull(r.getExpr());
    Map<String, Object> params = FieldDataCodec.templateValues(r.getExprTemplateValuesMap());
    Predicates.parse(filter, schema, params); // refuse a bad filter before any node sees it
    NodeRequest tpl = template(r.getCollectionName(), m, r.getConsistencyLevel(), r.getUseDefaultConsistency(),
        r.getGuaranteeTimestamp(), qp.get("read_token"), r.getPartitionNamesList(), filter, params);
    if (r.getOutputFieldsList().stream().anyMatch(o -> o.trim().equalsIgnoreCase("count(*)"))) {
      long n = count(r.getCollectionName(), m, tpl, filter, params);
      FieldData c = FieldData.newBuilder().setFieldName("count(*)")
          .setType(io.quiver.serving.milvus.proto.DataType.Int64)
          .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(n))).build();
      ServingMetrics.observeQuery("count", t0);
      return QueryResults.newBuilder().setStatus(MilvusStatus.SUCCESS).setCollectionName(r.getCollectionName())
          .addFieldsData(c).addOutputFields("count(*)").build();
    }
    long limit = Long.parseLong(qp.getOrDefault("limit", "-1"));
    long offset = Long.parseLong(qp.getOrDefault("offset", "0"));
    if (limit <= 0) {
      limit = Snapshot.MAX_QUERY_WINDOW - offset; // no limit: Milvus returns every match (here up to the window)
    }
    if (limit + offset > Snapshot.MAX_QUERY_WINDOW || offset < 0) {
      throw new ValidationException("limit", limit, "limit and offset must be non-negative and limit + offset at "
          + "most " + Snapshot.MAX_QUERY_WINDOW);
    }
    List<String> output = outputs(schema, r.getOutputFieldsList());
    if (!output.contains(schema.primaryKey().name())) {
      output.add(0, schema.primaryKey().name());
    }
    List<Map<String, Object>> rows = queryRows(r.getCollectionName(), m, tpl, filter, params, output, limit, offset);
    QueryResults.Builder b = QueryResults.newBuilder().setStatus(MilvusStatus.SUCCESS)
        .setCollectionName(r.getCollectionName());
    addColumns(schema, output, rows, b::addFieldsData);
    answerOutputs(output, rows).forEach(b::addOutputFields);
    ServingMetrics.observeQuery("query", t0);
    return b.build();
  }

  List<Map<String, Object>> queryRows(String collection, Manifest m, NodeRequest tpl, String filter,
      Map<String, Object> params, List<String> output, long limit, long offset) {
    NodeRequest req = tpl.toBuilder().setQuery(new NodeRequests.Query(filter, params, output, limit, offset).toProto())
        .build();
    List<Map<String, Object>> rows = new ArrayList<>();
    String pk = m.schema().primaryKey().name();
    for (io.quiver.serving.internal.NodeRows nr : proxy.fanOut(collection, m.shards(), req, timeoutMillis,
        (stub, q) -> stub.query(q))) {
      for (io.quiver.serving.internal.NodeFields row : nr.getRowsList()) {
        rows.add(NodeRequests.fields(row.getFieldsList()));
      }
    }
    rows.sort((a, b) -> comparePks(a.get(pk), b.get(pk)));
    int from = (int) Math.min(offset, rows.size());
    return rows.subList(from, (int) Math.min(rows.size(), from + limit));
  }

  long count(String collection, Manifest m, NodeRequest tpl, String filter, Map<String, Object> params) {
    NodeRequest req = tpl.toBuilder().setQuery(new NodeRequests.Query(filter, params, List.of(), 0, 0).toProto())
        .build();
    long n = 0;
    for (io.quiver.serving.internal.NodeCount c : proxy.fanOut(collection, m.shards(), req, timeoutMillis,
        (stub, q) -> stub.count(q))) {
      n += c.getCount();
    }
    return n;
  }

  /** Visible rows of {@code partition} (GetPartitionStatistics), read at STRONG consistency. */
  long count(String collection, Manifest m, String partition) {
    NodeRequest tpl = template(collection, m, io.quiver.serving.milvus.proto.ConsistencyLevel.Strong, false, 0, null,
        List.of(), null, Map.of()).toBuilder().clearPartitions().addPartitions(partition).build();
    return count(collection, m, tpl, null, Map.of());
  }

  /**
   * Primary keys matching {@code filter} in {@code partitions} (all when empty), read at STRONG consistency (for
   * delete by filter).
   */
  List<Object> matchingKeys(String collection, Manifest m, String filter, Map<String, Object> params,
      List<String> partitions) {
    NodeRequest tpl = template(collection, m, io.quiver.serving.milvus.proto.ConsistencyLevel.Strong, false, 0, null,
        partitions, filter, params);
    String pk = m.schema().primaryKey().name();
    List<Object> out = new ArrayList<>();
    for (Map<String, Object> row : queryRows(collection, m, tpl, filter, params, List.of(pk),
        Snapshot.MAX_QUERY_WINDOW, 0)) {
      out.add(row.get(pk));
    }
    return out;
  }
}
