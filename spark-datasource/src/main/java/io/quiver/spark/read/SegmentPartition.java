package io.quiver.spark.read;

import io.quiver.engine.catalog.SegmentEntry;
import org.apache.spark.sql.connector.read.InputPartition;
import org.roaringbitmap.RoaringBitmap;

/**
 * A run of row groups of one sealed segment to scan (the whole segment when it has one row group), with the rows
 * the snapshot hides among them (computed once on the driver, as ordinals relative to {@link #firstRow}).
 */
final class SegmentPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  final ReadContext context;
  final SegmentEntry segment;
  /** First row group and how many; {@code rowGroups < 0} means all (the planner did not open the footer). */
  final int firstRowGroup;
  final int rowGroups;
  /** Position in the segment of the partition's first row. */
  final long firstRow;
  final RoaringBitmap hidden;

  SegmentPartition(ReadContext context, SegmentEntry segment, int firstRowGroup, int rowGroups, long firstRow,
      RoaringBitmap hidden) {
    this.context = context;
    this.segment = segment;
    this.firstRowGroup = firstRowGroup;
    this.rowGroups = rowGroups;
    this.firstRow = firstRow;
    this.hidden = hidden;
  }
}
