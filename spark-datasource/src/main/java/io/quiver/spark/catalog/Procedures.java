package io.quiver.spark.catalog;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.maintenance.CompactionPlanner;
import io.quiver.spark.QuiverCatalog;
import io.quiver.spark.jobs.CompactionJob;
import io.quiver.spark.jobs.ReindexJob;
import io.quiver.spark.jobs.VectorSearchJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.procedures.BoundProcedure;
import org.apache.spark.sql.connector.catalog.procedures.ProcedureParameter;
import org.apache.spark.sql.connector.catalog.procedures.UnboundProcedure;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The catalog's stored procedures, in namespace {@code system}:
 *
 * <pre>
 * CALL q.system.compact(table => 'db.docs' [, target_size_mb => 128])
 * CALL q.system.reindex(table => 'db.docs', field => 'emb' [, index_type => 'GRAPH', params => 'max_degree=32',
 *                       only_missing => true])
 * CALL q.system.expire_versions(table => 'db.docs' [, older_than_ms => now, retain_last => 1])
 * CALL q.system.remove_orphan_files(table => 'db.docs' [, older_than_ms => now - 1 day])
 * CALL q.system.create_tag(table => 'db.docs', tag => 'nightly' [, version => current])
 * CALL q.system.knn_search(table => 'db.docs', queries => 'query_view' [, id_column => 'id',
 *                          vector_column => 'vector', field => NULL, k => 10, filter => NULL])
 * </pre>
 */
public final class Procedures {
  private static final List<String> NAMES = List.of("compact", "reindex", "expire_versions", "remove_orphan_files",
      "create_tag", "knn_search");

  private Procedures() {}

  public static Identifier[] list(String[] namespace) {
    if (!Arrays.equals(namespace, new String[] {"system"})) {
      return new Identifier[0];
    }
    return NAMES.stream().map(n -> Identifier.of(namespace, n)).toArray(Identifier[]::new);
  }

  /** The procedure, or null. */
  public static UnboundProcedure load(QuiverCatalog catalog, Identifier ident) {
    if (!Arrays.equals(ident.namespace(), new String[] {"system"})) {
      return null;
    }
    switch (ident.name()) {
      case "compact":
        return new Proc("compact", "Compacts a table's small segments and retires delete files",
            params(p("table", DataTypes.StringType, null), p("target_size_mb", DataTypes.LongType, "128")),
            new StructType().add("base_version", DataTypes.LongType).add("version", DataTypes.LongType)
                .add("rewritten_segments", DataTypes.IntegerType).add("added_segments", DataTypes.IntegerType)
                .add("retired_delete_files", DataTypes.IntegerType).add("dropped_rows", DataTypes.LongType),
            (args, sc) -> {
              long target = args.getLong(1) << 20;
              CompactionJob.Result r = CompactionJob.run(SparkSession.active(), catalog.options().warehouse(),
                  catalog.hadoopConf(), QuiverCatalog.collection(args.getUTF8String(0).toString()),
                  new CompactionPlanner(target, target * 3 / 4, 0.2));
              return List.<Object[]>of(new Object[] {r.baseVersion(), r.version(), r.inputSegments(), r.outputSegments(),
                  r.retiredDeleteFiles(), r.rowsDropped()});
            });
      case "reindex":
        return new Proc("reindex", "Builds a vector field's index for every segment lacking it",
            params(p("table", DataTypes.StringType, null), p("field", DataTypes.StringType, null),
                p("index_type", DataTypes.StringType, "NULL"), p("params", DataTypes.StringType, "''"),
                p("only_missing", DataTypes.BooleanType, "true")),
            new StructType().add("version", DataTypes.LongType).add("segments", DataTypes.IntegerType)
                .add("index_bytes", DataTypes.LongType),
            (args, sc) -> {
              IndexSpec spec = args.isNullAt(2) ? null
                  : new IndexSpec(args.getUTF8String(2).toString(), kv(args.getUTF8String(3).toString()));
              ReindexJob.Result r = ReindexJob.run(SparkSession.active(), catalog.options().warehouse(),
                  catalog.hadoopConf(), QuiverCatalog.collection(args.getUTF8String(0).toString()),
                  args.getUTF8String(1).toString(), spec, args.getBoolean(4));
              return List.<Object[]>of(new Object[] {r.version(), r.segments(), r.indexBytes()});
            });
      case "expire_versions":
        return new Proc("expire_versions", "Expires old versions (never the current or a tagged one)",
            params(p("table", DataTypes.StringType, null), p("older_than_ms", DataTypes.LongType, "NULL"),
                p("retain_last", DataTypes.IntegerType, "1")),
            new StructType().add("expired_versions", DataTypes.StringType),
            (args, sc) -> {
              long olderThan = args.isNullAt(1) ? System.currentTimeMillis() : args.getLong(1);
              List<Long> expired = catalog.catalog().maintenance(QuiverCatalog.collection(
                  args.getUTF8String(0).toString())).expireVersions(olderThan, args.getInt(2));
              return List.<Object[]>of(new Object[] {expired.toString()});
            });
      case "remove_orphan_files":
        return new Proc("remove_orphan_files", "Deletes files no retained version reaches",
            params(p("table", DataTypes.StringType, null), p("older_than_ms", DataTypes.LongType, "NULL")),
            new StructType().add("deleted_files", DataTypes.IntegerType),
            (args, sc) -> {
              long olderThan = args.isNullAt(1) ? System.currentTimeMillis() - 86_400_000L : args.getLong(1);
              List<String> deleted = catalog.catalog().maintenance(QuiverCatalog.collection(
                  args.getUTF8String(0).toString())).removeOrphanFiles(olderThan);
              return List.<Object[]>of(new Object[] {deleted.size()});
            });
      case "create_tag":
        return new Proc("create_tag", "Tags a retained version",
            params(p("table", DataTypes.StringType, null), p("tag", DataTypes.StringType, null),
                p("version", DataTypes.LongType, "NULL")),
            new StructType().add("tag", DataTypes.StringType).add("version", DataTypes.LongType),
            (args, sc) -> {
              String c = QuiverCatalog.collection(args.getUTF8String(0).toString());
              Catalog cat = catalog.catalog();
              long v = args.isNullAt(2) ? cat.current(c).version() : args.getLong(2);
              cat.committer(c).tag(args.getUTF8String(1).toString(), v);
              return List.<Object[]>of(new Object[] {args.getUTF8String(1).toString(), v});
            });
      case "knn_search":
        return new Proc("knn_search", "Top-k rows per query vector of a table or view",
            params(p("table", DataTypes.StringType, null), p("queries", DataTypes.StringType, null),
                p("id_column", DataTypes.StringType, "'id'"), p("vector_column", DataTypes.StringType, "'vector'"),
                p("field", DataTypes.StringType, "NULL"), p("k", DataTypes.IntegerType, "10"),
                p("filter", DataTypes.StringType, "NULL")),
            null,
            (args, sc) -> {
              VectorSearchJob.Params vp = new VectorSearchJob.Params()
                  .idColumn(args.getUTF8String(2).toString()).vectorColumn(args.getUTF8String(3).toString())
                  .k(args.getInt(5)).filter(args.isNullAt(6) ? null : args.getUTF8String(6).toString());
              if (!args.isNullAt(4)) {
                vp.field(args.getUTF8String(4).toString());
              }
              SparkSession spark = SparkSession.active();
              List<Row> rows = VectorSearchJob.knnJoin(spark, catalog.options().warehouse(), catalog.hadoopConf(),
                  QuiverCatalog.collection(args.getUTF8String(0).toString()),
                  spark.table(args.getUTF8String(1).toString()), vp).collectAsList();
              List<Object[]> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(new Object[] {r.get(0), r.get(1), r.get(2), r.get(3)});
              }
              return out;
            });
      default:
        return null;
    }
  }

  static Map<String, String> kv(String s) {
    Map<String, String> out = new TreeMap<>();
    for (String kv : s.isBlank() ? new String[0] : s.split(",")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("params take k=v,k=v; got '" + kv + "'");
      }
      out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return out;
  }

  private static ProcedureParameter p(String name, DataType type, String dflt) {
    ProcedureParameter.Builder b = ProcedureParameter.in(name, type);
    return (dflt == null ? b : b.defaultValue(dflt)).build();
  }

  private static ProcedureParameter[] params(ProcedureParameter... ps) {
    return ps;
  }

  /** A procedure that binds to itself and answers with one local result scan. */
  static final class Proc implements UnboundProcedure, BoundProcedure {
    private final String name;
    private final String description;
    private final ProcedureParameter[] parameters;
    private final StructType result;
    private final BiFunction<InternalRow, Void, List<Object[]>> body;

    Proc(String name, String description, ProcedureParameter[] parameters, StructType result,
        BiFunction<InternalRow, Void, List<Object[]>> body) {
      this.name = name;
      this.description = description;
      this.parameters = parameters;
      this.result = result;
      this.body = body;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public BoundProcedure bind(StructType inputType) {
      return this;
    }

    @Override
    public ProcedureParameter[] parameters() {
      return parameters;
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }

    @Override
    public java.util.Iterator<org.apache.spark.sql.connector.read.Scan> call(InternalRow input) {
      List<Object[]> rows = body.apply(input, null);
      StructType schema = result != null ? result : knnSchema(rows);
      return List.<org.apache.spark.sql.connector.read.Scan>of(new ResultScan(schema, rows)).iterator();
    }

    private static StructType knnSchema(List<Object[]> rows) {
      DataType id = rows.isEmpty() || rows.get(0)[0] instanceof Long ? DataTypes.LongType
          : rows.get(0)[0] instanceof Integer ? DataTypes.IntegerType : DataTypes.StringType;
      DataType pk = rows.isEmpty() || rows.get(0)[1] instanceof Long ? DataTypes.LongType : DataTypes.StringType;
      return new StructType().add("query_id", id).add("pk", pk).add("distance", DataTypes.FloatType)
          .add("rank", DataTypes.IntegerType);
    }
  }
}
