package io.quiver.engine.index;

import io.github.jbellis.jvector.util.Bits;
import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * FLAT: exact brute force over the accept set. The file holds only the header (no payload), so that a segment's index
 * spec always names a file and a FLAT index is checked and opened like any other.
 */
public final class FlatIndexFactory implements VectorIndexFactory {
  public static final String KIND = "FLAT";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Map<String, String> defaultParams() {
    return Map.of();
  }

  @Override
  public IndexParams validate(Map<String, String> params) {
    return ParamSpec.validate(KIND, List.of(), params);
  }

  @Override
  public void build(VectorValues vectors, MetricType metric, IndexParams params, OutputStream out,
      ProgressListener progress) throws IOException {
    IndexFiles.write(out, KIND, metric, vectors.dimension(), vectors.count(), params.asMap(), Map.of(), progress);
  }

  @Override
  public VectorIndex open(VectorValues vectors, MetricType metric, Path localIndexFile) throws IOException {
    if (vectors == null) {
      throw new IllegalArgumentException("FLAT searches the segment's vectors: open it with them");
    }
    OpenChecks.verify(localIndexFile, KIND, metric, vectors.dimension(), vectors.count());
    return new FlatIndex(vectors, metric);
  }

  /** Brute force over the caller's vectors. */
  static final class FlatIndex implements VectorIndex {
    private final VectorValues vectors;
    private final MetricType metric;
    private final ExactSearch.RowDistance rows;

    FlatIndex(VectorValues vectors, MetricType metric) {
      this.vectors = vectors;
      this.metric = metric;
      this.rows = ExactSearch.over(vectors, metric);
    }

    @Override
    public SearchResult search(float[] query, int k, SearchOptions opts, @Nullable Bits accept) {
      Queries.check(query, k, vectors.dimension());
      return ExactSearch.search(query, k, vectors.count(), metric, rows, accept);
    }

    @Override
    public long ramBytesUsed() {
      return 0;
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public int dimension() {
      return vectors.dimension();
    }

    @Override
    public int count() {
      return vectors.count();
    }

    @Override
    public void close() {
    }
  }
}
