package io.quiver.flink.ingest;

import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Builds the collection's own index spec (e.g. GRAPH) for every vector field of a freshly sealed segment, through
 * the engine's one segment-to-index path ({@link io.quiver.engine.search.SegmentIndexer}); FLAT specs write nothing
 * (an exact scan needs no file). The cost is a graph build per seal on the task thread, so it suits small seals
 * (the quickstart, low-rate collections); high-rate collections keep {@link SegmentIndexer#NONE} and reindex with
 * Spark. File names depend only on field and kind, so a replay rewrites the same files.
 */
public final class SpecIndexer implements SegmentIndexer {
  private static final long serialVersionUID = 1L;

  @Override
  public Map<String, IndexFile> index(Configuration conf, Path segmentDir, CollectionSchema schema,
      SegmentStats stats, Map<String, IndexSpec> specs) {
    Map<String, IndexSpec> wanted = new LinkedHashMap<>();
    specs.forEach((field, spec) -> {
      if (!"FLAT".equals(spec.kind()) && schema.field(field) != null) {
        wanted.put(field, spec);
      }
    });
    if (wanted.isEmpty() || stats.rowCount() == 0) {
      return Map.of();
    }
    Path collectionDir = segmentDir.getParent().getParent();
    Map<String, IndexFile> out = new LinkedHashMap<>();
    try (BufferAllocator allocator = new RootAllocator();
        SegmentData data = SegmentReader.read(conf, segmentDir, schema, allocator, Set.copyOf(wanted.keySet()))) {
      for (Map.Entry<String, IndexSpec> e : wanted.entrySet()) {
        FieldSchema field = schema.requireField(e.getKey());
        out.put(field.name(), io.quiver.engine.search.SegmentIndexer.build(conf, collectionDir, data, field,
            e.getValue(), (phase, done, total) -> { }));
      }
    }
    return out;
  }
}
