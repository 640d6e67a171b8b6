package io.quiver.engine.read;

/**
 * The one order of rows and deletes across every writer: (sequence number of the commit that added it, WAL offset
 * inside it). For Kafka rows this is LSN order, because a shard's commits cover consecutive offsets; Spark bulk
 * imports take their commit's number (offsets are their position in the import); compaction keeps the numbers of
 * the rows it rewrites; rows still in the WAL tail come after every commit ({@link #TAIL}).
 *
 * <p>For a primary key, the greatest row is the visible one unless a delete with a greater order hides it.
 */
public final class RowOrder {
  /** Sequence number given to rows and deletes still in the WAL tail: after every commit. */
  public static final long TAIL = Long.MAX_VALUE;

  private RowOrder() {}

  /** Compares (seqA, offsetA) with (seqB, offsetB). */
  public static int compare(long seqA, long offsetA, long seqB, long offsetB) {
    int c = Long.compare(seqA, seqB);
    return c != 0 ? c : Long.compare(offsetA, offsetB);
  }

  /** A row's effective sequence number: {@code __seq}, or the segment's when {@code __seq} is 0 (inherit). */
  public static long effectiveSeq(long rowSeq, long segmentSeq) {
    return rowSeq == 0 ? segmentSeq : rowSeq;
  }
}
