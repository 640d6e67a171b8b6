package io.quiver.examples.bench;

import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.CollectionOperations;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.NioLocalFileSystem;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.wal.WalOp;
import io.quiver.flink.IngestionJob;
import io.quiver.flink.IngestionOptions;
import io.quiver.flink.verify.LiveRows;
import io.quiver.wal.ReadToken;
import io.quiver.wal.WalTopics;
import io.quiver.wal.WalWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench ingest}: streaming ingestion throughput (Kafka WAL → Flink MiniCluster → sealed segments and a
 * committed manifest in a local warehouse) against a raw Kafka consumer reading the same records in the same run.
 *
 * <ol>
 *   <li>The ingestion job starts on the collection's empty WAL and, unless {@code --warmup-rounds 0}, drains that many
 *       warm-up backlogs shaped like the measured one (see {@link #warmUp}), each until committed and the JIT has gone
 *       quiet, so that the measured drain runs compiled code, as a job that has run for a while does.
 *   <li>Measured windows, {@code --measured-rounds} of them: {@code --rows} inserts are written to the WAL in one
 *       Kafka transaction ({@link WalWriter#beginTransaction}) left open, which the job ({@code read_committed}, as
 *       always) cannot read yet. A plain consumer in a JVM of its own ({@link RawReadProcess}; Kafka's default {@code
 *       read_uncommitted}, which reads an open transaction's records) reads them {@value #RAW_READS} times after
 *       warm-up reads. Then the transaction commits: the job sees the whole backlog at once and drains it, as a running
 *       job drains a burst of writes. A window's rows/s = rows / (the commit → the manifest covering the backlog's last
 *       records): the "first record to committed manifest". After the live phase the raw consumer reads the
 *       last backlog {@value #RAW_READS} times again. One read of a million records, like one window, takes about a
 *       second, and a single one moves by 2-3x with the machine's other load: the baseline {@code raw_rows_per_s} is
 *       the median of all the reads, which bracket the windows in time ({@code raw_before_rows_per_s} / {@code
 *       raw_after_rows_per_s}: the median of each side), and the job's {@code rows_per_s} the median of its windows
 *       (each window's in {@code windows_rows_per_s} and {@code windows_ratio}). {@code cpu_us_per_row} / {@code
 *       raw_cpu_us_per_row}: CPU time per row of the job's process and the broker's over the median window's drain /
 *       of the reader's process and the broker's over the reads before it — the cost, which other load skews less
 *       than rates. Until session 11 a fresh job drained a backlog written before it started: Flink's task deployment
 *       and the JIT's compilations for it (0.7-1.6 s of CPU) fell inside the measured window; until session 17 one
 *       window was measured.
 *   <li>Live: with the job caught up, {@code --live-rows} more inserts are written as fast as the writer goes; the
 *       delay of each is its Kafka timestamp (producer create time) → the first manifest poll (every 10 ms) that
 *       covers its offset.
 * </ol>
 *
 * <p>The Kafka broker runs in a JVM of its own ({@link ServersProcess}), as it does for a Flink job in production; the
 * job and its MiniCluster run in this one.
 *
 * <p>Finally the manifest's live rows are read back: {@code lost} = inserted keys missing (the warm-up rounds' too),
 * {@code duplicated} = WAL records sealed into more than one row.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Streaming ingestion (Kafka -> Flink -> segments + manifest) vs a raw Kafka consumer.")
public final class IngestBench implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "1000000", description = "Backlog rows (default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--live-rows", defaultValue = "-1", description = "Rows written while the job runs (default rows/10).")
  int liveRows;

  @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--shards", defaultValue = "4", description = "Shards = WAL partitions (default ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--seal-rows", defaultValue = "100000", description = "Seal after N records (default ${DEFAULT-VALUE}).")
  long sealRows;

  @Option(names = "--seal-age", defaultValue = "10000",
      description = "Seal after a growing segment is this many ms old (default ${DEFAULT-VALUE}, the job's default).")
  long sealAgeMillis;

  @Option(names = "--state-backend", defaultValue = "hashmap",
      description = "Flink state backend: hashmap or rocksdb (incremental checkpoints) (default ${DEFAULT-VALUE}).")
  String stateBackend;

  // The job's checkpoints hold offsets only (2-6 KB, 16-45 ms each here), so checkpointing often costs little; the
  // measured window ends at the commit after the last seal, which waits for the next checkpoint (0-1 s at 1 s).
  @Option(names = "--checkpoint-interval", defaultValue = "250",
      description = "Checkpoint interval in ms (default ${DEFAULT-VALUE}).")
  long checkpointMillis;

  @Option(names = "--warmup-rounds", defaultValue = "8",
      description = "Backlogs of --rows rows the job drains before the measured one, so that it runs compiled code, "
          + "as a job that has run for a while does; 0 = measure cold (default ${DEFAULT-VALUE}).")
  int warmupRounds;

  @Option(names = "--measured-rounds", defaultValue = "3",
      description = "Backlogs of --rows rows measured, each with the raw consumer's reads before it; the job's rate is "
          + "their median (default ${DEFAULT-VALUE}).")
  int measuredRounds;

  @Option(names = "--jit-quiet-timeout", defaultValue = "60",
      description = "Seconds to wait at most, after each warm-up round and before the measured commit, for the JIT "
          + "compiler to go quiet (default ${DEFAULT-VALUE}).")
  int jitQuietSeconds;

  @Option(names = "--direct-writes", defaultValue = "true", arity = "1",
      description = "Write segment files with direct I/O (the local warehouse's quiver.local.direct-writes; default "
          + "${DEFAULT-VALUE}, as in the product).")
  boolean directWrites;

  /** The backlog's transaction stays open through the raw reads (Kafka's default limit is a minute). */
  static final Duration BACKLOG_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  /**
   * How much older than a seal age a warm-up round's last record is when its transaction commits: as in the measured
   * windows, every range read is past its age seal's due time, and past the job's backlog threshold (a record more
   * than a second old when read; see {@code SegmentGrowth#drainingBacklog}). A window's records wait through the raw
   * reads, longer than a seal age: had its last ranges' age seals not been due, they would have waited for them, and
   * every window of session 17 ended 1.1–1.9 s after its commit.
   */
  static final Duration WARMUP_RECORD_AGE_PAST_SEAL_AGE = Duration.ofSeconds(1);

  /** Raw reads on each side of the job. */
  static final int RAW_READS = 3;

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || dim < 1 || shards < 1 || parallelism < 1 || measuredRounds < 1) {
      throw new IllegalArgumentException("--rows, --dim, --shards, --parallelism and --measured-rounds must be "
          + "positive");
    }
    int live = liveRows < 0 ? Math.max(1, rows / 10) : liveRows;
    String collection = "bench_ingest";
    CollectionSchema schema = CollectionSchema.builder().int64PrimaryKey("id", false).vector("emb", dim, MetricType.L2)
        .varchar("tag", 32, true).build();
    Path dir = Files.createTempDirectory("quiver-bench-ingest");
    Map<String, Object> result = new LinkedHashMap<>();
    MiniCluster flinkCluster = null;
    try (ServersProcess.Handle servers = ServersProcess.Handle.start(dir.resolve("servers-logs"))) {
      String bootstrap = servers.bootstrap();
      flinkCluster = startCluster();
      URI rest = flinkCluster.getRestAddress().get(1, TimeUnit.MINUTES);
      Catalog catalog = Catalog.open(dir.toUri().toString(), hadoopProperties());
      catalog.create(collection, schema, shards, Map.of(), Map.of());
      WalTopics.ensureTopics(Map.of("bootstrap.servers", bootstrap), collection, shards);
      try (WalWriter backlog = WalWriter.builder(bootstrap, collection, schema, shards)
              .transactionalId("quiver-bench-ingest")
              .producerProperty("transaction.timeout.ms", (int) BACKLOG_TRANSACTION_TIMEOUT.toMillis()).build();
          WalWriter w = WalWriter.builder(bootstrap, collection, schema, shards).build()) {
        long warmup = (long) warmupRounds * rows;
        Progress.say("Ingestion job (parallelism %d, seal at %,d records or %,d ms, checkpoints every %d ms, %s "
            + "state, %s segment writes) ...", parallelism, sealRows, sealAgeMillis, checkpointMillis, stateBackend,
            directWrites ? "direct" : "page-cache");
        long submitted = System.nanoTime();
        JobClient job = startJob(rest, collection, dir, bootstrap, sealRows);
        boolean cancelled = false;
        try {
          ManifestPoller poller = new ManifestPoller(catalog, collection);
          long running = awaitTasksRunning(flinkCluster, job, Duration.ofMinutes(5));
          // Rounds shaped like the measured backlog: with fewer rows, the JIT compiled the seal paths without the
          // branches of a full range (no count seal) and threw that code away in the measured window. More than one:
          // while the first round's burst of compilations waits in the queue, the JIT raises its thresholds and
          // leaves hot paths in profiling code (tiered compilation's load feedback); a path only gets its optimized
          // compile the next time it runs. Negative keys: varints as long as the backlog's (a decoder compiled for
          // other lengths is thrown away).
          for (int r = 0; r < warmupRounds; r++) {
            warmUp(backlog, poller, -(r + 1L) * rows, r + 1);
          }
          long warmedUp = System.nanoTime();

          // The measured drain, --measured-rounds times: one window is ~1.5 s on a shared machine, where a single raw
          // read moves by 2-3x, so the job's rate is the median of its windows, as the baseline is of its reads.
          List<Window> windows = new ArrayList<>();
          Map<Integer, Long> backlogStarts = null;
          for (int r = 0; r < measuredRounds; r++) {
            backlogStarts = endOffsets(bootstrap, collection, shards);
            windows.add(measure(servers, backlog, poller, collection, backlogStarts, (long) r * rows, r + 1, dir));
            if (r == 0) {
              Progress.say("  job deployed in %.1f s, warm-up %.1f s", seconds(running - submitted),
                  seconds(warmedUp - running));
            }
          }

          Progress.say("Live: %,d rows written while the job runs ...", live);
          Map<Integer, Long> ends = endOffsets(bootstrap, collection, shards);
          long firstLiveId = (long) measuredRounds * rows;
          produce(w, firstLiveId, live);
          Map<Integer, Long> liveEnds = endOffsets(bootstrap, collection, shards);
          poller.awaitCovers(liveEnds, Duration.ofMinutes(10));
          Histogram delays = delays(bootstrap, collection, ends, liveEnds, poller);
          poller.close();
          job.cancel().get(1, TimeUnit.MINUTES);
          cancelled = true;

          // The raw read again, after the job: the machine is shared, so the baseline brackets the job in time.
          Progress.say("Raw Kafka consumer again (the last backlog's %,d rows, %d times) ...", rows, RAW_READS);
          double[] rawAfter = RawReadProcess.run(servers, WalTopics.walTopic(collection), backlogStarts, rows,
              RAW_READS, dir.resolve("raw-logs")).rates();
          Progress.say("  median %,.0f rows/s", SparkReadBench.median(rawAfter));
          List<Double> reads = new ArrayList<>();
          for (Window win : windows) {
            for (double x : win.rawBefore()) {
              reads.add(x);
            }
          }
          for (double x : rawAfter) {
            reads.add(x);
          }
          double[] all = reads.stream().mapToDouble(Double::doubleValue).toArray();
          double rawRate = SparkReadBench.median(all);
          double jobRate = SparkReadBench.median(windows.stream().mapToDouble(Window::rate).toArray());
          // the costs of the median window (of the lower middle one for an even count, whose rate median averages)
          Window median = windows.stream().sorted(java.util.Comparator.comparingDouble(Window::rate)).toList()
              .get((windows.size() - 1) / 2);

          Manifest m = catalog.current(collection);
          Progress.say("Reading the manifest's live rows back ...");
          LiveRows liveRows = LiveRows.read(catalog, m, java.util.Set.of()); // keys only: millions of vectors fill the heap
          long lost = 0;
          for (long id = -warmup; id < firstLiveId + live; id++) { // the warm-up rows too (negative keys)
            if (!liveRows.rows().containsKey(id)) {
              lost++;
            }
          }
          result.put("rows", rows);
          result.put("live_rows", live);
          result.put("dim", dim);
          result.put("shards", shards);
          result.put("parallelism", parallelism);
          result.put("warmup_rounds", warmupRounds);
          result.put("measured_rounds", measuredRounds);
          result.put("seal_rows", sealRows);
          result.put("seal_age_ms", sealAgeMillis);
          result.put("checkpoint_ms", checkpointMillis);
          result.put("state_backend", stateBackend);
          result.put("direct_writes", directWrites);
          result.put("segments", m.segments().size());
          result.put("rows_per_s", Math.round(jobRate));
          result.put("raw_rows_per_s", Math.round(rawRate));
          result.put("ratio", ratio(jobRate, rawRate));
          result.put("windows_rows_per_s", windows.stream().mapToLong(win -> Math.round(win.rate())).toArray());
          result.put("windows_ratio", windows.stream().mapToDouble(win -> ratio(win.rate(), rawRate)).toArray());
          result.put("raw_before_rows_per_s", Math.round(SparkReadBench.median(
              java.util.Arrays.copyOf(all, all.length - rawAfter.length))));
          result.put("raw_after_rows_per_s", Math.round(SparkReadBench.median(rawAfter)));
          result.put("raw_reads_rows_per_s", java.util.Arrays.stream(all).map(Math::rint).toArray());
          // the median window's costs
          result.put("cpu_us_per_row", Math.round(median.cpuUsPerRow() * 10) / 10.0);
          result.put("job_jit_ms", median.jitMillis());
          result.put("job_gc_count", median.gcCount());
          result.put("job_gc_ms", median.gcMillis());
          result.put("raw_cpu_us_per_row", Math.round(median.rawCpuUsPerRow() * 10) / 10.0);
          result.put("kernel_cpu_us_per_row", Math.round(median.kernelUsPerRow() * 10) / 10.0);
          result.put("raw_kernel_cpu_us_per_row", Math.round(median.rawKernelUsPerRow() * 10) / 10.0);
          result.put("steady_rows_per_s", Math.round(median.steadyRate()));
          result.put("steady_ratio", ratio(median.steadyRate(), rawRate));
          result.put("job_seconds", Math.round(median.seconds() * 10) / 10.0);
          result.put("deploy_seconds", Math.round(seconds(running - submitted) * 10) / 10.0);
          result.put("warmup_seconds", Math.round(seconds(warmedUp - running) * 10) / 10.0);
          result.put("p50_commit_delay_ms", delays.getValueAtPercentile(50));
          result.put("p99_commit_delay_ms", delays.getValueAtPercentile(99));
          result.put("lost", lost);
          result.put("duplicated", liveRows.duplicateOps());
        } finally {
          if (!cancelled) {
            job.cancel().get(1, TimeUnit.MINUTES);
          }
        }
      }
    } finally {
      if (flinkCluster != null) {
        flinkCluster.close();
      }
      TempDirs.deleteQuietly(dir);
    }
    System.out.println(Json.write(result));
    return 0;
  }

  /** One measured window's figures (rates in rows/s, CPU per row in µs). */
  record Window(double rate, double[] rawBefore, double cpuUsPerRow, double kernelUsPerRow, double rawCpuUsPerRow,
      double rawKernelUsPerRow, long jitMillis, long gcCount, long gcMillis, double steadyRate, double seconds) {}

  /**
   * One measured window: {@code --rows} inserts written to the WAL in one transaction left open, the raw consumer's
   * reads of them, then the commit and the job's drain until the manifest covers them.
   */
  private Window measure(ServersProcess.Handle servers, WalWriter backlog, ManifestPoller poller, String collection,
      Map<Integer, Long> backlogStarts, long firstId, int round, Path dir) throws Exception {
    Progress.say("Measured window %d of %d: writing %,d rows x %d-d to the WAL (one transaction, left open) ...", round,
        measuredRounds, rows, dim);
    long t = System.nanoTime();
    backlog.beginTransaction();
    produce(backlog, firstId, rows);
    Progress.say("  %,.0f rows/s through the WAL writer", rows / seconds(System.nanoTime() - t));

    Progress.say("Raw Kafka consumer (a JVM of its own) reading the same records (%d times, after warm-up reads) ...",
        RAW_READS);
    RawReadProcess.Result before = RawReadProcess.run(servers, WalTopics.walTopic(collection), backlogStarts, rows,
        RAW_READS, dir.resolve("raw-logs"));
    Progress.say("  median %,.0f rows/s (%.1f us of process CPU per row)", SparkReadBench.median(before.rates()),
        before.cpuUsPerRow());
    ThreadCpu.awaitCompilerQuiet(Duration.ofSeconds(jitQuietSeconds));
    Progress.say("  JIT quiet; committing the backlog's transaction ...");
    long jobCpu0 = cpuNanos(servers);
    long jobKernel0 = kernelNanos(servers);
    Map<String, Long> threadCpu0 = ThreadCpu.byGroup();
    long jit0 = ThreadCpu.compilerNanos();
    long[] gc0 = LoadLoops.gc();
    long start = System.nanoTime();
    Map<Integer, Long> backlogEnds = exclusiveEnds(backlog.commitTransaction());
    long caughtUp = poller.awaitCovers(backlogEnds, Duration.ofMinutes(30));
    long jobCpu = cpuNanos(servers) - jobCpu0;
    long jobKernel = kernelNanos(servers) - jobKernel0;
    long jit = ThreadCpu.compilerNanos() - jit0;
    long[] gc1 = LoadLoops.gc();
    Map<String, Long> threadCpu1 = ThreadCpu.byGroup();
    Progress.say("  GC: %d collections, %,d ms (the JVM's collectors' accumulated time)", gc1[0] - gc0[0],
        gc1[1] - gc0[1]);
    Progress.say("  job CPU: %,d ms (kernel %,d ms), of which Java threads %,d ms and JIT compiler %,d ms (the "
        + "rest: GC and other JVM threads); by thread group: %s", jobCpu / 1_000_000, jobKernel / 1_000_000,
        (ThreadCpu.total(threadCpu1) - ThreadCpu.total(threadCpu0)) / 1_000_000, jit / 1_000_000,
        ThreadCpu.since(threadCpu0, threadCpu1));
    double jobSeconds = seconds(caughtUp - start);
    double jobRate = rows / jobSeconds;
    double[] steady = poller.steadyRate(start, caughtUp);
    Progress.say("  %,.0f rows/s (%.1f s from the commit of the backlog to the manifest covering it; JVM uptime %,d to "
        + "%,d ms, to compare with -XX:+PrintCompilation); steady %,.0f rows/s (%,.0f offsets committed in the %.1f s "
        + "after the first commit)", jobRate, jobSeconds, uptimeMillis(start), uptimeMillis(caughtUp),
        steady[0] / steady[1], steady[0], steady[1]);
    return new Window(jobRate, before.rates(), jobCpu / 1e3 / rows, jobKernel / 1e3 / rows, before.cpuUsPerRow(),
        before.kernelUsPerRow(), jit / 1_000_000, gc1[0] - gc0[0], gc1[1] - gc0[1], steady[0] / steady[1],
        jobSeconds);
  }

  private static double ratio(double rate, double raw) {
    return Math.round(rate / raw * 1000) / 1000.0;
  }

  /**
   * The bench's Flink cluster, started before the job is submitted to it, as jobs are submitted to a running cluster.
   */
  private MiniCluster startCluster() throws Exception {
    Configuration conf = IngestionJob.onLoopback(new Configuration());
    conf.setString("rest.port", "0");
    conf.setString("taskmanager.memory.managed.size", "128m");
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
        .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
    cluster.start();
    return cluster;
  }

  /** The warehouse's Hadoop properties: the bench's choice of direct writes. */
  private Map<String, String> hadoopProperties() {
    return Map.of(NioLocalFileSystem.DIRECT_WRITES, Boolean.toString(directWrites));
  }

  /** Submits {@code collection}'s ingestion job to the bench's cluster, with the bench's seal and Flink settings. */
  private JobClient startJob(URI rest, String collection, Path dir, String bootstrap, long sealRows)
      throws Exception {
    IngestionOptions options = IngestionOptions.builder(collection, dir.toUri().toString(), bootstrap)
        .sealRows(sealRows).sealAge(Duration.ofMillis(sealAgeMillis)).hadoopProperties(hadoopProperties()).build();
    Configuration job = new Configuration();
    job.setString("state.backend.type", stateBackend);
    if ("rocksdb".equals(stateBackend)) {
      job.setString("execution.checkpointing.incremental", "true");
    }
    job.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    job.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        Files.createTempDirectory(dir, "checkpoints-" + collection).toUri().toString());
    // the job's classes are this JVM's (the cluster runs in it): nothing to ship
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(),
        rest.getPort(), job);
    env.setParallelism(parallelism);
    return IngestionJob.submit(env, options, Duration.ofMillis(checkpointMillis));
  }

  private void produce(WalWriter w, long firstId, int count) {
    SplittableRandom random = new SplittableRandom(firstId);
    for (int i = 0; i < count; i++) {
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = (float) random.nextDouble();
      }
      Map<String, Object> row = new HashMap<>();
      row.put("id", firstId + i);
      row.put("emb", v);
      row.put("tag", "t" + (i % 100));
      w.append(WalOp.INSERT, row);
      if ((i + 1) % 100_000 == 0 || i + 1 == count) {
        Progress.bar("written", i + 1, count);
      }
    }
    w.flush();
  }

  /**
   * Waits until every task of the job is RUNNING on the bench's MiniCluster (deployed, its sources about to ask for
   * their splits and read); returns that nano time. Job rows/s count from here: the "first record", without the
   * job's submission, scheduling and deployment (the job's status turns RUNNING before its tasks are deployed).
   */
  private static long awaitTasksRunning(MiniCluster cluster, JobClient job, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean all = true;
      for (AccessExecutionVertex v : cluster.getExecutionGraph(job.getJobID()).get(1, TimeUnit.MINUTES)
          .getAllExecutionVertices()) {
        if (v.getExecutionState() != ExecutionState.RUNNING) {
          if (v.getExecutionState().isTerminal()) {
            throw new IllegalStateException("Task " + v.getTaskNameWithSubtaskIndex() + " of the ingestion job is "
                + v.getExecutionState() + " instead of RUNNING");
          }
          all = false;
          break;
        }
      }
      if (all) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The ingestion job's tasks are not all running after " + timeout);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the cluster has no task-state callback; bounded poll
    }
  }

  /**
   * One warm-up round of the measured job, shaped like the measured backlog (so that the JIT compiles the paths that
   * backlog takes: transactional record batches and commit markers, full ranges sealed, a backlog of old records
   * drained): {@code --rows} rows written in a transaction while the job waits, committed once the last of them is
   * a seal age and {@link #WARMUP_RECORD_AGE_PAST_SEAL_AGE} old; then waits until the manifest covers them (and says
   * how much of the process's CPU
   * the JIT compiler took meanwhile) and the JIT compiler has gone quiet.
   */
  private void warmUp(WalWriter transactional, ManifestPoller poller, long firstId, int round) {
    Progress.say("Warm-up %d of %d: %,d rows through the job ...", round, warmupRounds, rows);
    transactional.beginTransaction();
    produce(transactional, firstId, rows);
    // The measured backlog's records are more than a seal age old when it is committed (the raw reads run in between),
    // so the job drains it as a backlog: every range's age seal is due at once and postponed while records remain, and
    // the last ranges seal as soon as they are read. Committed fresh, a round took the other branches (the last ranges
    // waited out the seal age), and the measured window's first backlog threw the task thread's compiled loop away
    // (WalIngestReader.pollNext, SegmentGrowth.sealAged "made not entrant") and compiled it again inside the window;
    // committed 2 s old (sessions 16-17), the rounds' age seals still came due only after their drain.
    long age = sealAgeMillis * 1_000_000 + WARMUP_RECORD_AGE_PAST_SEAL_AGE.toNanos();
    long writtenAt = System.nanoTime();
    while (System.nanoTime() - writtenAt < age) {
      LockSupport.parkNanos(age - (System.nanoTime() - writtenAt)); // time is the condition
    }
    long jit0 = ThreadCpu.compilerNanos();
    long cpu0 = ThreadCpu.processNanos();
    long t0 = System.nanoTime();
    poller.awaitCovers(exclusiveEnds(transactional.commitTransaction()), Duration.ofMinutes(30));
    double drained = seconds(System.nanoTime() - t0);
    long jit = ThreadCpu.compilerNanos() - jit0;
    double share = (double) jit / Math.max(1, ThreadCpu.processNanos() - cpu0);
    Progress.say("  drained and committed in %.1f s; JIT compiler %,d ms, %.1f%% of the process CPU", drained,
        jit / 1_000_000, share * 100);
    ThreadCpu.awaitCompilerQuiet(Duration.ofSeconds(jitQuietSeconds));
  }

  /** Exclusive end offsets of a token's records (a WAL's end offsets lie past its commit markers). */
  private static Map<Integer, Long> exclusiveEnds(ReadToken token) {
    Map<Integer, Long> out = new HashMap<>();
    token.offsets().forEach((shard, last) -> out.put(shard, last + 1));
    return out;
  }

  /** CPU time of this process (the job, the bench's clients) and of the broker's process together. */
  private static long cpuNanos(ServersProcess.Handle servers) {
    return ThreadCpu.processNanos() + servers.cpuNanos();
  }

  /** The kernel's part of {@link #cpuNanos}. */
  private static long kernelNanos(ServersProcess.Handle servers) {
    return ThreadCpu.kernelNanos(ProcessHandle.current().pid()) + ThreadCpu.kernelNanos(servers.pid());
  }

  /** The bench's own consumers (end offsets, delays), set as the raw reader's. */
  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(RawReadProcess.consumerProperties(bootstrap), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(String collection, int shards) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      tps.add(new TopicPartition(WalTopics.walTopic(collection), s));
    }
    return tps;
  }

  private Map<Integer, Long> endOffsets(String bootstrap, String collection, int shards) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      Map<Integer, Long> out = new HashMap<>();
      c.endOffsets(partitions(collection, shards)).forEach((tp, o) -> out.put(tp.partition(), o));
      return out;
    }
  }

  /** Produce → commit delays of the records between {@code from} and {@code to} end offsets. */
  private Histogram delays(String bootstrap, String collection, Map<Integer, Long> from, Map<Integer, Long> to,
      ManifestPoller poller) {
    Histogram h = new Histogram(3_600_000L, 3);
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> tps = partitions(collection, shards);
      c.assign(tps);
      long remaining = 0;
      for (TopicPartition tp : tps) {
        c.seek(tp, from.get(tp.partition()));
        remaining += to.get(tp.partition()) - from.get(tp.partition());
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (remaining > 0 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() < to.get(r.partition())) {
            long committedAt = poller.firstCovering(r.partition(), r.offset());
            h.recordValue(Math.max(0, committedAt - r.timestamp()));
            remaining--;
          }
        }
      }
    }
    return h;
  }


  /** This JVM's uptime (ms) at nano time {@code nanos}. */
  private static long uptimeMillis(long nanos) {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
        - (System.nanoTime() - nanos) / 1_000_000;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }


  /**
   * Polls the current manifest every {@value #POLL_MILLIS} ms on its own thread, remembering when each committed offset
   * appeared.
   */
  private static final class ManifestPoller implements AutoCloseable {
    static final long POLL_MILLIS = 10;
    private final Catalog catalog;
    private final String collection;
    private final List<long[]> samples = new ArrayList<>(); // {wall millis, nano time, shard, committed}
    private final Thread thread;
    private volatile boolean running = true;

    ManifestPoller(Catalog catalog, String collection) {
      this.catalog = catalog;
      this.collection = collection;
      this.thread = new Thread(this::run, "manifest-poller");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      long lastVersion = -1;
      // One CollectionOperations for the whole run: it re-reads the manifest only when the pointer moves, so a poll
      // costs a pointer read, not a manifest parse (which grew with the segments and took CPU from the job).
      CollectionOperations ops = catalog.operations(collection);
      while (running) {
        Manifest m = ops.current();
        if (m.version() != lastVersion) {
          lastVersion = m.version();
          long wall = System.currentTimeMillis();
          long nano = System.nanoTime();
          synchronized (samples) {
            m.committedOffsets().forEach((s, o) -> samples.add(new long[] {wall, nano, s, o}));
          }
        }
        // the poll period, not a wait for a condition: a pointer read, cheap; the window ends at the poll that sees
        // the commit, so a 50 ms period added 25 ms to a 1.4 s window on average
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
      }
    }

    /** Waits until the manifest covers {@code ends} (exclusive end offsets); returns the nano time it was seen. */
    long awaitCovers(Map<Integer, Long> ends, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (samples) {
          Map<Integer, long[]> latest = new HashMap<>();
          for (long[] s : samples) {
            latest.put((int) s[2], s);
          }
          boolean all = true;
          long when = 0;
          for (Map.Entry<Integer, Long> e : ends.entrySet()) {
            if (e.getValue() == 0) {
              continue;
            }
            long[] s = latest.get(e.getKey());
            if (s == null || s[3] < e.getValue() - 1) {
              all = false;
              break;
            }
            when = Math.max(when, firstNano(e.getKey(), e.getValue() - 1));
          }
          if (all) {
            return when;
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      throw new IllegalStateException("The manifest of " + collection + " did not reach " + ends + " within "
          + timeout);
    }

    /**
     * {offsets committed after the first data commit from {@code from} up to {@code until}, seconds between}: the job's
     * once running, without its start-up and the wait for its first checkpoint.
     */
    double[] steadyRate(long from, long until) {
      synchronized (samples) {
        long firstNano = -1;
        Map<Integer, Long> first = new HashMap<>();
        Map<Integer, Long> last = new HashMap<>();
        for (long[] s : samples) {
          if (s[1] < from) {
            continue;
          }
          if (s[1] > until) {
            break;
          }
          if (firstNano < 0) {
            firstNano = s[1];
          }
          if (s[1] == firstNano) {
            first.put((int) s[2], s[3]);
          }
          last.put((int) s[2], s[3]);
        }
        long n = 0;
        for (Map.Entry<Integer, Long> e : last.entrySet()) {
          n += e.getValue() - first.getOrDefault(e.getKey(), -1L);
        }
        return new double[] {n, Math.max(1e-3, seconds(until - firstNano))};
      }
    }

    private long firstNano(int shard, long offset) {
      for (long[] s : samples) {
        if (s[2] == shard && s[3] >= offset) {
          return s[1];
        }
      }
      return Long.MAX_VALUE;
    }

    /** Wall-clock millis of the first poll whose manifest covered {@code offset} of {@code shard}. */
    long firstCovering(int shard, long offset) {
      synchronized (samples) {
        for (long[] s : samples) {
          if (s[2] == shard && s[3] >= offset) {
            return s[0];
          }
        }
      }
      throw new IllegalStateException(String.format(Locale.ROOT, "No manifest covered shard %d offset %d", shard,
          offset));
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }
}
