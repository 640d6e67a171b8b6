package io.quiver.spark.jobs;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.Hit;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.SegmentFilter;
import io.quiver.engine.search.SegmentSearch;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.SparkSchemas;
import io.quiver.spark.Snapshots;
import io.quiver.spark.Warehouses;
import io.quiver.spark.read.VisibilityCache;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.roaringbitmap.RoaringBitmap;
import scala.Tuple2;

/**
 * Batch ANN search, a kNN join: for every query vector of a DataFrame, the top-k rows of a collection snapshot.
 * Tasks are (query batch × segment) pairs: each searches one segment's ANN index (or exact scan when it has none),
 * with the snapshot's hidden rows and the filter as the accept set, using the engine's
 * {@link SegmentSearch} (the code {@code Snapshot.search} runs); the per-segment lists are then merged per query
 * with the same ordering. Never a cross join of rows.
 *
 * <p>Result columns: {@code query_id} (the id column's type), {@code pk}, {@code distance} (FLOAT, Milvus's:
 * squared L2, IP or cosine similarity), {@code rank} (INT, 1 = best), then the output fields.
 */
public final class VectorSearchJob {
  private VectorSearchJob() {}

  /** What to search; build with the setters, defaults in brackets. */
  public static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;
    String idColumn = "id";
    String vectorColumn = "vector";
    @Nullable String field;
    int k = 10;
    @Nullable String filter;
    List<String> outputFields = List.of();
    int queryBatch = 256;
    @Nullable String version;

    public Params idColumn(String v) {
      idColumn = v;
      return this;
    }

    public Params vectorColumn(String v) {
      vectorColumn = v;
      return this;
    }

    /** The vector field searched [the collection's only/first vector field]. */
    public Params field(String v) {
      field = v;
      return this;
    }

    public Params k(int v) {
      if (v < 1 || v > SearchRequest.MAX_TOP_K) {
        throw new IllegalArgumentException("k must be between 1 and " + SearchRequest.MAX_TOP_K + ", got " + v);
      }
      k = v;
      return this;
    }

    /** A Milvus-syntax filter on the collection [none]. */
    public Params filter(@Nullable String v) {
      filter = v;
      return this;
    }

    public Params outputFields(List<String> v) {
      outputFields = List.copyOf(v);
      return this;
    }

    public Params queryBatch(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("queryBatch must be positive, got " + v);
      }
      queryBatch = v;
      return this;
    }

    /** A version number or tag [current]. */
    public Params version(@Nullable String v) {
      version = v;
      return this;
    }
  }

  record Query(Object id, float[] vector) implements Serializable {}

  record Context(String warehouse, HadoopConf conf, String collection, String schemaJson, long snapshotId,
      String field, Params params) implements Serializable {}

  record SegmentTask(SegmentEntry entry, RoaringBitmap hidden) implements Serializable {}

  /** A hit as it travels between tasks. */
  record Found(Object pk, float distance, float score, Object[] fields) implements Serializable {}

  public static Dataset<Row> knnJoin(SparkSession spark, String warehouse, HadoopConf conf, String collection,
      Dataset<Row> queries, Params p) {
    Catalog catalog = Warehouses.catalog(warehouse, conf);
    Manifest m = p.version == null ? catalog.current(collection)
        : Snapshots.byVersionOrTag(catalog, collection, p.version);
    CollectionSchema schema = m.schema();
    String fieldName = p.field != null ? p.field : schema.vectorFields().get(0).name();
    FieldSchema field = schema.field(fieldName);
    if (field == null || !field.type().isVector()) {
      throw new IllegalArgumentException("Cannot search '" + fieldName + "': not a vector field of " + collection);
    }
    for (String out : p.outputFields) {
      if (schema.field(out) == null || schema.field(out).type().isVector()) {
        throw new IllegalArgumentException("Cannot output '" + out + "': not a scalar field of " + collection
            + " " + schema.fieldNames());
      }
    }
    SegmentFilter filter = p.filter == null ? null : Predicates.of(Filters.parse(p.filter, schema));
    List<String> cols = List.of(queries.columns());
    if (!cols.contains(p.idColumn) || !cols.contains(p.vectorColumn)) {
      throw new IllegalArgumentException("The queries need columns '" + p.idColumn + "' and '" + p.vectorColumn
          + "'; they have " + cols);
    }
    SnapshotVisibility vis = VisibilityCache.get(catalog, m);
    List<SegmentTask> segments = new ArrayList<>();
    for (SegmentEntry s : m.segments()) {
      RoaringBitmap hidden = vis.hidden(s.id());
      if (s.rowCount() > hidden.getLongCardinality() && (filter == null || filter.mightMatch(s.stats()))) {
        segments.add(new SegmentTask(s, hidden));
      }
    }
    Context ctx = new Context(warehouse, conf, collection, Warehouses.schemaJson(schema), m.snapshotId(), fieldName,
        p);
    DataType idType = queries.schema().apply(p.idColumn).dataType();
    StructType out = new StructType().add("query_id", idType, false)
        .add("pk", SparkSchemas.sparkType(schema.primaryKey().type()), false)
        .add("distance", DataTypes.FloatType, false).add("rank", DataTypes.IntegerType, false);
    for (String f : p.outputFields) {
      out = out.add(SparkSchemas.toSpark(schema.field(f)));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (segments.isEmpty()) {
      return spark.createDataFrame(new ArrayList<Row>(), out);
    }
    String vcol = p.vectorColumn;
    String icol = p.idColumn;
    int batch = p.queryBatch;
    JavaRDD<List<Query>> batches = queries.select(icol, vcol).javaRDD().mapPartitions(rows -> {
      List<List<Query>> outBatches = new ArrayList<>();
      List<Query> cur = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        List<Object> list = r.getList(1);
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = ((Number) list.get(i)).floatValue();
        }
        cur.add(new Query(r.get(0), v));
        if (cur.size() == batch) {
          outBatches.add(cur);
          cur = new ArrayList<>();
        }
      }
      if (!cur.isEmpty()) {
        outBatches.add(cur);
      }
      return outBatches.iterator();
    });
    JavaRDD<SegmentTask> segRdd = jsc.parallelize(segments, segments.size());
    JavaPairRDD<Object, List<Found>> perSegment = batches.cartesian(segRdd)
        .flatMapToPair(pair -> searchSegment(ctx, pair._1(), pair._2()));
    int k = p.k;
    JavaRDD<Row> rows = perSegment
        .reduceByKey((a, b) -> topK(a, b, k))
        .flatMap(e -> {
          List<Row> res = new ArrayList<>();
          int rank = 1;
          for (Found f : topK(e._2(), List.of(), k)) {
            Object[] vals = new Object[4 + f.fields().length];
            vals[0] = e._1();
            vals[1] = f.pk();
            vals[2] = f.distance();
            vals[3] = rank++;
            System.arraycopy(f.fields(), 0, vals, 4, f.fields().length);
            res.add(RowFactory.create(vals));
          }
          return res.iterator();
        });
    jsc.setJobDescription("Quiver kNN join over " + collection + " v" + m.version() + ": " + segments.size()
        + " segments, k=" + k);
    return spark.createDataFrame(rows, out);
  }

  private static Iterator<Tuple2<Object, List<Found>>> searchSegment(Context ctx, List<Query> queries,
      SegmentTask task) {
    Catalog catalog = Warehouses.catalog(ctx.warehouse(), ctx.conf());
    CollectionSchema schema = Warehouses.schema(ctx.schemaJson());
    Params p = ctx.params();
    SegmentFilter filter = p.filter == null ? null : Predicates.of(Filters.parse(p.filter, schema));
    return SegmentLeases.with(catalog, ctx.collection(), schema, ctx.snapshotId(), task.entry(), task.hidden(),
        seg -> {
          List<Tuple2<Object, List<Found>>> out = new ArrayList<>();
          for (Query q : queries) {
            SearchRequest req = SearchRequest.builder(ctx.field(), q.vector()).k(p.k).filter(filter)
                .outputFields(p.outputFields).build();
            List<Found> found = new ArrayList<>();
            for (Hit h : SegmentSearch.search(seg, req)) {
              Object[] vals = new Object[p.outputFields.size()];
              for (int i = 0; i < vals.length; i++) {
                vals[i] = h.fields().get(p.outputFields.get(i));
              }
              found.add(new Found(h.pk(), h.distance(), h.score(), vals));
            }
            out.add(new Tuple2<>(q.id(), found));
          }
          return out.iterator();
        });
  }

  /** Merges two best-first lists into the best {@code k}: higher score, then smaller key (the engine's order). */
  static List<Found> topK(List<Found> a, List<Found> b, int k) {
    List<Found> all = new ArrayList<>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    all.sort(VectorSearchJob::compare);
    return new ArrayList<>(all.subList(0, Math.min(k, all.size())));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Found x, Found y) {
    int c = Float.compare(y.score(), x.score());
    return c != 0 ? c : ((Comparable) x.pk()).compareTo(y.pk());
  }
}
