package io.quiver.spark.write;

import io.quiver.engine.catalog.SegmentEntry;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/** What one write task made: finished segments, not yet visible. */
final class WrittenSegments implements WriterCommitMessage {
  private static final long serialVersionUID = 1L;

  final List<SegmentEntry> segments;

  WrittenSegments(List<SegmentEntry> segments) {
    this.segments = List.copyOf(segments);
  }
}
