package io.quiver.engine.maintenance;

import io.quiver.engine.catalog.CommitMessage;
import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.VectorIndexes;
import io.quiver.engine.schema.FieldSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plans a reindex of one vector field: which segments need an index file built with the wanted spec (all of them, or
 * only those whose file is missing or was built with another spec), and the commit that swaps the files in and makes
 * the spec the collection's current one.
 */
public final class ReindexPlanner {
  private ReindexPlanner() {}

  /**
   * The spec with the kind's defaults filled in, as index files record it.
   *
   * @throws IllegalArgumentException naming the kind or parameter that is refused
   */
  public static IndexSpec normalize(IndexSpec spec) {
    var factory = VectorIndexes.factory(spec.kind());
    return new IndexSpec(factory.kind(), factory.validate(spec.params()).asMap());
  }

  /**
   * Segment ids to index for {@code field}: all when {@code onlyMissing} is false, else those lacking an index file
   * built with {@code spec}. Empty segments are skipped.
   */
  public static List<String> plan(Manifest manifest, String field, IndexSpec spec, boolean onlyMissing) {
    FieldSchema f = manifest.schema().field(field);
    if (f == null || !f.type().isVector()) {
      throw new IllegalArgumentException("Cannot reindex '" + field + "' of " + manifest.collection()
          + ": not a vector field; vector fields: "
          + manifest.schema().vectorFields().stream().map(FieldSchema::name).toList());
    }
    IndexSpec wanted = normalize(spec);
    List<String> out = new ArrayList<>();
    for (SegmentEntry s : manifest.segments()) {
      if (s.rowCount() == 0) {
        continue;
      }
      IndexFile have = s.indexes().get(field);
      boolean current = have != null && have.spec().equals(wanted);
      if (!onlyMissing || !current) {
        out.add(s.id());
      }
    }
    return out;
  }

  /**
   * The commit swapping {@code built} (segment id → file) in and setting {@code spec} as the field's index spec.
   * Entries of segments no longer live in {@code current} are dropped (a compaction replaced them meanwhile and
   * indexed its output itself).
   */
  public static CommitMessage commitMessage(Manifest current, String field, IndexSpec spec,
      Map<String, IndexFile> built) {
    Map<String, IndexSpec> specs = new TreeMap<>(current.indexSpecs());
    specs.put(field, normalize(spec));
    CommitMessage.Builder b = CommitMessage.builder("reindex").indexSpecs(specs);
    int n = 0;
    for (Map.Entry<String, IndexFile> e : built.entrySet()) {
      if (current.segment(e.getKey()) != null) {
        b.setIndex(e.getKey(), field, e.getValue());
        n++;
      }
    }
    return b.summary("reindexed-field", field).summary("reindexed-segments", Integer.toString(n))
        .summary("index-kind", spec.kind()).build();
  }
}
