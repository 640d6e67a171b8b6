package io.quiver.engine.index;

import io.quiver.engine.schema.MetricType;
import java.io.IOException;
import java.nio.file.Path;

/** What every factory checks when opening a file: integrity first, then that it is the index asked for. */
final class OpenChecks {
  private OpenChecks() {
  }

  static IndexHeader verify(Path file, String kind, MetricType metric, int dimension, int count) throws IOException {
    IndexHeader h = IndexFiles.verifyChecksum(file);
    if (!h.kind().equals(kind)) {
      throw new IllegalArgumentException("Index file " + file + " holds a " + h.kind() + " index, not " + kind);
    }
    if (h.metric() != metric) {
      throw new IllegalArgumentException("Index file " + file + " was built for metric " + h.metric()
          + ", not " + metric);
    }
    if (dimension >= 0 && h.dimension() != dimension) {
      throw new IllegalArgumentException("Index file " + file + " has dimension " + h.dimension()
          + " but the vectors have " + dimension);
    }
    if (count >= 0 && h.count() != count) {
      throw new IllegalArgumentException("Index file " + file + " covers " + h.count() + " vectors but "
          + count + " were given");
    }
    return h;
  }
}
