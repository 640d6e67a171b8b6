package io.quiver.engine.index;

import io.github.jbellis.jvector.util.Bits;
import io.quiver.engine.schema.MetricType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The shared data sets (../shared/datasets next to the repo) and helpers the index tests share. */
final class Datasets {
  private Datasets() {
  }

  /**
   * The folder holding sift5k/ and mnist10k/: system property {@code quiver.datasets}, else the first
   * {@code shared/datasets} found walking up from the working directory (a CI clone has shared/ beside it).
   * Fails, never skips: the recall tests are the point.
   */
  static Path root() {
    return VectorFiles.datasets();
  }

  static VectorValues base(String set) throws IOException {
    return VectorFiles.readFvecs(root().resolve(set).resolve("base.fvecs"));
  }

  static VectorValues queries(String set) throws IOException {
    return VectorFiles.readFvecs(root().resolve(set).resolve("query.fvecs"));
  }

  static int[][] truth(String set) throws IOException {
    return VectorFiles.readIvecs(root().resolve(set).resolve("groundtruth.ivecs"));
  }

  /** Builds {@code kind} over {@code base}, writes it to a file in {@code dir} and opens it. */
  static VectorIndex buildAndOpen(String kind, Map<String, String> params, VectorValues base, MetricType metric,
      Path dir) throws IOException {
    VectorIndexFactory f = VectorIndexes.factory(kind);
    Files.createDirectories(dir);
    Path file = dir.resolve(IndexFiles.fileName("v", kind));
    try (OutputStream out = Files.newOutputStream(file)) {
      f.build(base, metric, f.validate(params), out, ProgressListener.NONE);
    }
    return f.open(base, metric, file);
  }

  static byte[] buildBytes(String kind, Map<String, String> params, VectorValues base, MetricType metric)
      throws IOException {
    VectorIndexFactory f = VectorIndexes.factory(kind);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.build(base, metric, f.validate(params), out, ProgressListener.NONE);
    return out.toByteArray();
  }

  /** Mean over queries of |found ∩ truth[:k]| / min(k, |truth|). */
  static double recall(VectorIndex index, VectorValues queries, int[][] truth, int k, SearchOptions opts,
      Bits accept) {
    double sum = 0;
    for (int q = 0; q < queries.count(); q++) {
      SearchResult r = index.search(queries.vector(q), k, opts, accept);
      int expected = Math.min(k, truth[q].length);
      if (expected == 0) {
        sum += 1;
        continue;
      }
      Set<Integer> t = new HashSet<>();
      for (int i = 0; i < expected; i++) {
        t.add(truth[q][i]);
      }
      int hit = 0;
      for (int i = 0; i < r.size(); i++) {
        if (t.contains(r.ordinal(i))) {
          hit++;
        }
      }
      sum += (double) hit / expected;
    }
    return sum / queries.count();
  }

  /** Exact top-k per query by brute force (ties to the lower ordinal). */
  static int[][] exactTruth(VectorValues base, VectorValues queries, MetricType metric, int k, Bits accept) {
    int[][] out = new int[queries.count()][];
    for (int q = 0; q < queries.count(); q++) {
      out[q] = ExactSearch.search(queries.vector(q), k, base.count(), metric, ExactSearch.over(base, metric), accept)
          .ordinals();
    }
    return out;
  }
}
