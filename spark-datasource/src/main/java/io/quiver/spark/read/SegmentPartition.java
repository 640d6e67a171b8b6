package io.quiver.spark.read;

import io.quiver.engine.catalog.SegmentEntry;
import org.apache.spark.sql.connector.read.InputPartition;
import org.roaringbitmap.RoaringBitmap;

/** One sealed segment to scan, with the rows the snapshot hides (computed once on the driver). */
final class SegmentPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  final ReadContext context;
  final SegmentEntry segment;
  final RoaringBitmap hidden;

  SegmentPartition(ReadContext context, SegmentEntry segment, RoaringBitmap hidden) {
    this.context = context;
    this.segment = segment;
    this.hidden = hidden;
  }
}
