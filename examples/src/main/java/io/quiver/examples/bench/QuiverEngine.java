package io.quiver.examples.bench;

import io.github.jbellis.jvector.util.FixedBitSet;
import io.quiver.engine.index.IndexFiles;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.index.SearchResult;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.index.VectorIndexFactory;
import io.quiver.engine.index.VectorIndexes;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.annotation.Nullable;

/** Quiver's own path: the kind's factory writes an index file, which is then opened (checksum verified) and searched. */
final class QuiverEngine implements AnnEngine {
  private final String kind;
  private final Map<String, String> params;
  private final Path dir;
  private VectorIndex index;
  private long bytes;
  double openSeconds;

  QuiverEngine(String kind, Map<String, String> params, Path dir) {
    this.kind = kind;
    this.params = params;
    this.dir = dir;
  }

  @Override
  public String name() {
    return "quiver";
  }

  @Override
  public void build(AnnData data, ProgressListener progress) throws Exception {
    VectorIndexFactory f = VectorIndexes.factory(kind);
    Path file = dir.resolve(IndexFiles.fileName("bench", kind));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      f.build(data.base, data.metric, f.validate(params), out, progress);
    }
    bytes = Files.size(file);
    long t0 = System.nanoTime();
    index = f.open(data.base, data.metric, file);
    openSeconds = (System.nanoTime() - t0) / 1e9;
  }

  @Override
  public long indexBytes() {
    return bytes;
  }

  @Override
  public int[] search(float[] query, int k, int width, @Nullable FixedBitSet filter, int filterCount) {
    SearchOptions opts = SearchOptions.builder().width(width).acceptCount(filter == null ? -1 : filterCount).build();
    SearchResult r = index.search(query, k, opts, filter);
    return r.ordinals();
  }

  @Override
  public void close() throws Exception {
    if (index != null) {
      index.close();
    }
  }
}
