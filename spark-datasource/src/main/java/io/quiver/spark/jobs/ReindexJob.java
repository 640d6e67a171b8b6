package io.quiver.spark.jobs;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitFailedException;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.maintenance.ReindexPlanner;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.SegmentIndexer;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.Warehouses;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Reindex: builds (or rebuilds) a vector field's index for every segment, or only for segments lacking the wanted
 * spec, one Spark task per segment ({@link SegmentIndexer}, index files written beside the segments), then one commit
 * that swaps the files in and makes the spec the collection's current one ({@code CommitMessage.setIndex} +
 * {@code indexSpecs}). Progress: the Spark job description names collection, field, kind and segment count; each task
 * logs its build phases. Segments a concurrent compaction replaced are left out of the commit (their replacement was
 * indexed by the compaction).
 *
 * <p>spark-submit: {@code --class io.quiver.spark.jobs.ReindexJob <jar> --warehouse W --collection C --field emb
 * [--index GRAPH] [--params max_degree=32,beam_width=100] [--only-missing true] [--hadoop key=value ...]}.
 */
public final class ReindexJob {
  private static final Logger LOG = LoggerFactory.getLogger(ReindexJob.class);

  private ReindexJob() {}

  /** What a run did. */
  public record Result(long version, int segments, long indexBytes) implements Serializable {}

  record Task(String warehouse, HadoopConf conf, String collection, String schemaJson, String field,
      IndexSpec spec, SegmentEntry segment) implements Serializable {}

  /**
   * @param spec the index to build; null = the collection's current spec for {@code field}
   */
  public static Result run(SparkSession spark, String warehouse, HadoopConf conf, String collection, String field,
      @Nullable IndexSpec spec, boolean onlyMissing) {
    Catalog catalog = Warehouses.catalog(warehouse, conf);
    Manifest base = catalog.current(collection);
    IndexSpec wanted = ReindexPlanner.normalize(spec != null ? spec
        : base.indexSpecs().getOrDefault(field, IndexSpec.flat()));
    List<String> ids = ReindexPlanner.plan(base, field, wanted, onlyMissing);
    List<Task> tasks = new ArrayList<>();
    for (String id : ids) {
      tasks.add(new Task(warehouse, conf, collection, Warehouses.schemaJson(base.schema()), field, wanted,
          base.segment(id)));
    }
    Map<String, IndexFile> built = new LinkedHashMap<>();
    if (!tasks.isEmpty()) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      jsc.setJobDescription("Quiver reindex " + collection + "." + field + " " + wanted.kind() + ": "
          + tasks.size() + " segments");
      try {
        for (Tuple2<String, IndexFile> t : jsc.parallelize(tasks, tasks.size()).map(ReindexJob::build).collect()) {
          built.put(t._1(), t._2());
        }
      } finally {
        jsc.setJobDescription(null);
      }
    }
    Manifest after;
    try {
      after = catalog.committer(collection).commit(ReindexPlanner.commitMessage(catalog.current(collection), field,
          wanted, built));
    } catch (CommitFailedException e) {
      // A segment vanished between reading "current" and the swap: build the message again, once.
      after = catalog.committer(collection).commit(ReindexPlanner.commitMessage(catalog.current(collection), field,
          wanted, built));
    }
    long bytes = built.values().stream().mapToLong(IndexFile::bytes).sum();
    LOG.info("Reindexed {}.{} ({}): {} segments, {} bytes, v{}", collection, field, wanted.kind(), built.size(),
        bytes, after.version());
    return new Result(after.version(), built.size(), bytes);
  }

  private static Tuple2<String, IndexFile> build(Task t) {
    Catalog catalog = Warehouses.catalog(t.warehouse(), t.conf());
    CollectionSchema schema = Warehouses.schema(t.schemaJson());
    FieldSchema field = schema.requireField(t.field());
    String id = t.segment().id();
    long start = System.nanoTime();
    try (BufferAllocator allocator = Warehouses.allocator("reindex-" + id);
        SegmentData data = SegmentReader.read(catalog.conf(), SegmentFiles.segmentDir(
            catalog.collectionDir(t.collection()), id), schema, allocator, Set.of(t.field()))) {
      ProgressListener progress = new LoggingProgress(id);
      IndexFile f = SegmentIndexer.build(catalog.conf(), catalog.collectionDir(t.collection()), data, field,
          t.spec(), progress);
      LOG.info("Built {} index of {}.{} segment {} ({} rows) in {} ms", t.spec().kind(), t.collection(), t.field(),
          id, data.rowCount(), (System.nanoTime() - start) / 1_000_000);
      return new Tuple2<>(id, f);
    }
  }

  /** Logs each phase at 25 % steps. */
  private static final class LoggingProgress implements ProgressListener {
    private final String segment;
    private final Map<String, Long> lastQuarter = new TreeMap<>();

    LoggingProgress(String segment) {
      this.segment = segment;
    }

    @Override
    public synchronized void progress(String phase, long done, long total) {
      long quarter = total <= 0 ? 4 : done * 4 / total;
      Long prev = lastQuarter.put(phase, quarter);
      if (prev == null || prev < quarter) {
        LOG.info("Segment {}: {} {}/{}", segment, phase, done, total);
      }
    }
  }

  /** spark-submit entry point. */
  public static void main(String[] args) {
    JobArgs a = JobArgs.parse(args, "field", "index", "params", "only-missing");
    Map<String, String> params = new TreeMap<>();
    String p = a.get("params", "");
    for (String kv : p.isBlank() ? new String[0] : p.split(",")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--params takes k=v,k=v; got '" + kv + "'");
      }
      params.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    String kind = a.get("index", null);
    SparkSession spark = SparkSession.builder().appName("quiver-reindex").getOrCreate();
    Result r = run(spark, a.require("warehouse"), new HadoopConf(a.hadoop()), a.require("collection"),
        a.require("field"), kind == null ? null : new IndexSpec(kind, params),
        Boolean.parseBoolean(a.get("only-missing", "true")));
    System.out.println(r);
  }
}
