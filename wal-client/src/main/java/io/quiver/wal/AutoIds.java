package io.quiver.wal;

import java.security.SecureRandom;

/**
 * Auto ids for INT64 primary keys declared {@code auto id}: unique across writers without coordination, and
 * increasing for each writer.
 *
 * <p>Layout of the positive 63-bit id, most significant first:
 *
 * <pre>
 * 41 bits  milliseconds since 2025-01-01T00:00Z (good until 2094)
 * 12 bits  node id: random per writer (or given, e.g. a serving node's registration number)
 * 10 bits  sequence within the millisecond
 * </pre>
 *
 * <p>Monotonic per writer: the logical clock never goes back (a clock step back keeps using the last millisecond), and
 * when 1,024 ids are taken in one millisecond it borrows the next one. Two writers collide only with the same node
 * id, which random node ids make unlikely (4,096 values; give explicit node ids where many writers run at once). The
 * same scheme as Twitter's Snowflake, with random instead of configured node bits by default.
 */
public final class AutoIds {
  /** 2025-01-01T00:00:00Z in epoch milliseconds. */
  public static final long EPOCH_MILLIS = 1_735_689_600_000L;
  static final int NODE_BITS = 12;
  static final int SEQ_BITS = 10;
  public static final int MAX_NODE = (1 << NODE_BITS) - 1;

  private final long node;
  private long lastMillis = -1;
  private long seq;

  /** A generator with a random node id. */
  public AutoIds() {
    this(new SecureRandom().nextInt(MAX_NODE + 1));
  }

  public AutoIds(int nodeId) {
    if (nodeId < 0 || nodeId > MAX_NODE) {
      throw new IllegalArgumentException("Auto id node id must be 0.." + MAX_NODE + ", got " + nodeId);
    }
    this.node = nodeId;
  }

  public int nodeId() {
    return (int) node;
  }

  /** The next id. Thread-safe. */
  public synchronized long next() {
    return next(System.currentTimeMillis());
  }

  synchronized long next(long nowMillis) {
    long now = Math.max(nowMillis - EPOCH_MILLIS, 0);
    if (now > lastMillis) {
      lastMillis = now;
      seq = 0;
    } else if (++seq > (1 << SEQ_BITS) - 1) {
      lastMillis++;
      seq = 0;
    }
    return (lastMillis << (NODE_BITS + SEQ_BITS)) | (node << SEQ_BITS) | seq;
  }
}
