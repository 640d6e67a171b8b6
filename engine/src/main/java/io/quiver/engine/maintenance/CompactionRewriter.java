package io.quiver.engine.maintenance;

import io.quiver.engine.catalog.IndexFile;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.index.ProgressListener;
import io.quiver.engine.read.RowOrder;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.SegmentIndexer;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentStats;
import io.quiver.engine.segment.SegmentWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.roaringbitmap.RoaringBitmap;

/**
 * Runs one {@link CompactionGroup}: reads its inputs, keeps the rows the snapshot shows, writes them in
 * (sequence number, offset) order with their effective sequence number and offset, and builds the collection's
 * current (non-FLAT) indexes for the merged segment. Runs on a Spark executor; no Spark types.
 */
public final class CompactionRewriter {
  private CompactionRewriter() {}

  /**
   * @param hidden per input segment id, the rows the planned snapshot hides
   * @return the merged segment, ready for {@link CompactionPlan#commitMessage}, or null when every row was hidden
   */
  @Nullable
  public static SegmentEntry rewrite(Configuration conf, Path collectionDir, CollectionSchema schema,
      CompactionGroup group, Map<String, RoaringBitmap> hidden, Map<String, IndexSpec> indexSpecs,
      BufferAllocator allocator) {
    List<SegmentData> inputs = new ArrayList<>();
    SegmentWriter writer = null;
    try {
      List<long[]> rows = new ArrayList<>();
      for (int s = 0; s < group.inputs().size(); s++) {
        SegmentEntry e = group.inputs().get(s);
        SegmentData d = SegmentReader.read(conf, SegmentFiles.segmentDir(collectionDir, e.id()), schema, allocator,
            null);
        inputs.add(d);
        RoaringBitmap h = hidden.getOrDefault(e.id(), new RoaringBitmap());
        long[] seq = d.sequenceNumbers();
        long[] off = d.offsets();
        for (int i = 0; i < d.rowCount(); i++) {
          if (!h.contains(i)) {
            rows.add(new long[] {RowOrder.effectiveSeq(seq[i], e.sequenceNumber()), off[i], s, i});
          }
        }
      }
      if (rows.isEmpty()) {
        return null;
      }
      rows.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
      writer = SegmentWriter.create(conf, collectionDir, schema, group.outputId(), group.partition(), group.shard());
      for (long[] r : rows) {
        writer.write(inputs.get((int) r[2]).row((int) r[3]), r[0], r[1]);
      }
      SegmentStats stats = writer.finish();
      inputs.forEach(SegmentData::close);
      inputs.clear();
      return SegmentEntry.written(stats, buildIndexes(conf, collectionDir, schema, stats, indexSpecs, allocator));
    } catch (RuntimeException e) {
      if (writer != null) {
        writer.abort();
      }
      throw e;
    } finally {
      inputs.forEach(SegmentData::close);
    }
  }

  /** Builds every non-FLAT index of {@code specs} for a freshly written segment. */
  public static Map<String, IndexFile> buildIndexes(Configuration conf, Path collectionDir, CollectionSchema schema,
      SegmentStats stats, Map<String, IndexSpec> specs, BufferAllocator allocator) {
    Map<String, IndexFile> out = new TreeMap<>();
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, IndexSpec> e : specs.entrySet()) {
      if (!"FLAT".equals(e.getValue().kind()) && schema.field(e.getKey()) != null) {
        fields.add(e.getKey());
      }
    }
    if (fields.isEmpty() || stats.rowCount() == 0) {
      return out;
    }
    try (SegmentData d = SegmentReader.read(conf, SegmentFiles.segmentDir(collectionDir, stats.segmentId()), schema,
        allocator, Set.copyOf(fields))) {
      for (String f : fields) {
        FieldSchema field = schema.field(f);
        out.put(f, SegmentIndexer.build(conf, collectionDir, d, field, specs.get(f), ProgressListener.NONE));
      }
    }
    return out;
  }
}
