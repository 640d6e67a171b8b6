package io.quiver.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Runs the query set against one engine at one width on {@code threads} threads: a warm-up of whole passes for at
 * least {@code warmupSeconds}, then whole passes for at least {@code measureSeconds}. Latency per query in an
 * HdrHistogram per thread (merged); QPS = measured queries / wall time; recall from the first measured pass.
 */
final class SearchRunner {
  /** One row of the table / one element of the JSON results list. */
  static final class Result {
    final int width;
    final double recall;
    final double qps;
    final double p50Ms;
    final double p99Ms;
    final long queries;

    Result(int width, double recall, double qps, double p50Ms, double p99Ms, long queries) {
      this.width = width;
      this.recall = recall;
      this.qps = qps;
      this.p50Ms = p50Ms;
      this.p99Ms = p99Ms;
      this.queries = queries;
    }
  }

  private final AnnData data;
  private final int threads;
  private final double warmupSeconds;
  private final double measureSeconds;

  SearchRunner(AnnData data, int threads, double warmupSeconds, double measureSeconds) {
    this.data = data;
    this.threads = threads;
    this.warmupSeconds = warmupSeconds;
    this.measureSeconds = measureSeconds;
  }

  Result run(AnnEngine engine, int width) throws Exception {
    int nq = data.queries.count();
    float[][] queries = new float[nq][];
    for (int q = 0; q < nq; q++) {
      queries[q] = data.queries.vector(q);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      passes(engine, width, queries, pool, warmupSeconds, null, null);
      int[][] found = new int[nq][];
      Histogram merged = new Histogram(60_000_000_000L, 3);
      long t0 = System.nanoTime();
      long done = passes(engine, width, queries, pool, measureSeconds, found, merged);
      double wall = (System.nanoTime() - t0) / 1e9;
      double recall = 0;
      for (int q = 0; q < nq; q++) {
        recall += data.recall(q, found[q]);
      }
      return new Result(width, recall / nq, done / wall, merged.getValueAtPercentile(50) / 1e6,
          merged.getValueAtPercentile(99) / 1e6, done);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Whole passes over the queries until {@code seconds} have gone by; returns the number of queries run. */
  private long passes(AnnEngine engine, int width, float[][] queries, ExecutorService pool, double seconds,
      int[][] found, Histogram merged) throws Exception {
    int nq = queries.length;
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long total = 0;
    boolean first = true;
    do {
      AtomicLong next = new AtomicLong();
      boolean record = first && found != null;
      List<Future<Histogram>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        parts.add(pool.submit(() -> {
          Histogram h = new Histogram(60_000_000_000L, 3);
          long q;
          while ((q = next.getAndIncrement()) < nq) {
            long s = System.nanoTime();
            int[] r = engine.search(queries[(int) q], data.k, width, data.filter, data.filterCount);
            h.recordValue(Math.max(1, System.nanoTime() - s));
            if (record) {
              found[(int) q] = r;
            }
          }
          return h;
        }));
      }
      for (Future<Histogram> f : parts) {
        Histogram h = f.get();
        if (merged != null) {
          merged.add(h);
        }
      }
      total += nq;
      first = false;
    } while (System.nanoTime() < deadline);
    return total;
  }
}
