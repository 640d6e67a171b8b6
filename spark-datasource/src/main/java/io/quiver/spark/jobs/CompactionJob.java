package io.quiver.spark.jobs;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CommitStateUnknownException;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.io.HadoopFiles;
import io.quiver.engine.maintenance.CompactionGroup;
import io.quiver.engine.maintenance.CompactionPlan;
import io.quiver.engine.maintenance.CompactionPlanner;
import io.quiver.engine.maintenance.CompactionRewriter;
import io.quiver.engine.read.SnapshotVisibility;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.Warehouses;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction: the engine plans ({@link CompactionPlanner}: per shard, bin-pack small segments, retire delete files
 * no other segment needs), Spark runs one task per group ({@link CompactionRewriter}: keep visible rows, in their
 * original order, rebuild the collection's indexes), and the driver commits one replace. A commit that lands
 * meanwhile (a Flink seal, a delete) is kept: the committer re-applies the replace on top of it and fails only if
 * an input segment or a retired delete file disappeared; then the written segments are deleted.
 *
 * <p>spark-submit: {@code --class io.quiver.spark.jobs.CompactionJob <jar> --warehouse W --collection C
 * [--target-mb 128] [--hadoop key=value ...]}.
 */
public final class CompactionJob {
  private static final Logger LOG = LoggerFactory.getLogger(CompactionJob.class);

  private CompactionJob() {}

  /** What a run did. */
  public record Result(long baseVersion, long version, int groups, int inputSegments, int outputSegments,
      int retiredDeleteFiles, long rowsDropped) implements Serializable {}

  /** One task: a group with its inputs' hidden rows. */
  record Task(String warehouse, HadoopConf conf, String collection, String schemaJson, CompactionGroup group,
      Map<String, RoaringBitmap> hidden, Map<String, IndexSpec> specs) implements Serializable {}

  public static Result run(SparkSession spark, String warehouse, HadoopConf conf, String collection,
      CompactionPlanner planner) {
    Catalog catalog = Warehouses.catalog(warehouse, conf);
    Manifest base = catalog.current(collection);
    SnapshotVisibility vis = SnapshotVisibility.compute(catalog, base);
    CompactionPlan plan = planner.plan(catalog, base, vis);
    if (plan.isEmpty()) {
      LOG.info("Compaction of {} v{}: nothing to do", collection, base.version());
      return new Result(base.version(), base.version(), 0, 0, 0, 0, 0);
    }
    List<Task> tasks = new ArrayList<>();
    int inputs = 0;
    long inputRows = 0;
    for (CompactionGroup g : plan.groups()) {
      Map<String, RoaringBitmap> hidden = new HashMap<>();
      g.inputs().forEach(s -> hidden.put(s.id(), vis.hidden(s.id())));
      tasks.add(new Task(warehouse, conf, collection, Warehouses.schemaJson(base.schema()), g, hidden,
          base.indexSpecs()));
      inputs += g.inputs().size();
      inputRows += g.inputRows();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobDescription("Quiver compaction of " + collection + " v" + base.version() + ": " + tasks.size()
        + " groups, " + inputs + " segments");
    List<SegmentEntry> outputs = new ArrayList<>();
    List<List<SegmentEntry>> results;
    try {
      results = jsc.parallelize(tasks, Math.max(1, tasks.size())).map(CompactionJob::runTask).collect();
    } finally {
      jsc.setJobDescription(null);
    }
    results.forEach(outputs::addAll);
    try {
      Manifest after = catalog.committer(collection).commit(plan.commitMessage(outputs));
      long outRows = outputs.stream().mapToLong(SegmentEntry::rowCount).sum();
      LOG.info("Compaction of {}: v{} → v{}, {} segments → {}, {} delete files retired, {} rows dropped",
          collection, base.version(), after.version(), inputs, outputs.size(), plan.retiredDeleteFiles().size(),
          inputRows - outRows);
      return new Result(base.version(), after.version(), plan.groups().size(), inputs, outputs.size(),
          plan.retiredDeleteFiles().size(), inputRows - outRows);
    } catch (CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      for (SegmentEntry s : outputs) {
        HadoopFiles.deleteQuietly(catalog.fileSystem(), SegmentFiles.segmentDir(catalog.collectionDir(collection),
            s.id()), true);
      }
      throw e;
    }
  }

  private static List<SegmentEntry> runTask(Task t) {
    Catalog catalog = Warehouses.catalog(t.warehouse(), t.conf());
    try (BufferAllocator allocator = Warehouses.allocator("compact-" + t.group().outputId())) {
      SegmentEntry out = CompactionRewriter.rewrite(catalog.conf(), catalog.collectionDir(t.collection()),
          Warehouses.schema(t.schemaJson()), t.group(), t.hidden(), t.specs(), allocator);
      return out == null ? List.of() : List.of(out);
    }
  }

  /** spark-submit entry point. */
  public static void main(String[] args) {
    JobArgs a = JobArgs.parse(args, "target-mb");
    long target = Long.parseLong(a.get("target-mb", "128")) << 20;
    SparkSession spark = SparkSession.builder().appName("quiver-compaction").getOrCreate();
    Result r = run(spark, a.require("warehouse"), new HadoopConf(a.hadoop()), a.require("collection"),
        new CompactionPlanner(target, target * 3 / 4, 0.2));
    System.out.println(r);
  }
}
