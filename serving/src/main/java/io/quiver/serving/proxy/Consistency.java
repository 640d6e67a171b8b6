package io.quiver.serving.proxy;

import io.quiver.wal.ReadToken;
import io.quiver.wal.WalTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;
import org.apache.kafka.clients.admin.Admin;

/**
 * Consistency levels → per-shard WAL offsets a read must wait for.
 *
 * <ul>
 *   <li>{@code STRONG}: the partitions' end offsets taken at request time (every write acknowledged before it);
 *   <li>{@code SESSION}: the offsets behind the Milvus timestamp the SDK sends back (its last write's). Timestamps are
 *       hybrid ({@code physical ms << 18 | logical}) and issued by this proxy for each write; a registry maps each to
 *       the cumulative offsets written through this proxy up to it. A timestamp this proxy did not issue (the write
 *       went through another node) falls back to STRONG, which includes every session's writes;
 *   <li>{@code BOUNDED}: no offsets to wait for, but a staleness bound ({@link #boundedStalenessMillis()}, 5 s by
 *       default like Milvus's {@code common.gracefulTime}): a node answers once its shard's tail was caught up with
 *       the WAL's end at a moment no older than the bound (see {@code ShardTail.caughtUpAtMillis}); a healthy tail
 *       is within about a fifth of the bound (its idle fetches wait a tenth of it at the broker, 10 to 500 ms), so
 *       only a lagging one makes the read wait. Every write acknowledged more than the bound before the request is
 *       seen;
 *   <li>{@code EVENTUALLY}: no wait at all;
 *   <li>a Quiver read token (wal-client {@link ReadToken}) waits for exactly its offsets.
 * </ul>
 */
public final class Consistency implements AutoCloseable {
  /** Milvus's consistency levels by their wire number. */
  public enum Level { STRONG, SESSION, BOUNDED, EVENTUALLY, CUSTOMIZED }

  private static final int MAX_REGISTRY = 100_000;
  /** Milvus's default bounded staleness ({@code common.gracefulTime}). */
  public static final long DEFAULT_BOUNDED_STALENESS_MS = 5_000;
  private final Admin admin;
  private final long boundedStalenessMillis;
  private final Map<String, NavigableMap<Long, Map<Integer, Long>>> registry = new ConcurrentHashMap<>();
  private long lastTs;

  public Consistency(String kafkaBootstrap) {
    this(kafkaBootstrap, DEFAULT_BOUNDED_STALENESS_MS);
  }

  /** @param boundedStalenessMillis the staleness bound of BOUNDED reads (0 is treated as 1 ms: as fresh as can be) */
  public Consistency(String kafkaBootstrap, long boundedStalenessMillis) {
    if (boundedStalenessMillis < 0) {
      throw new IllegalArgumentException("bounded staleness must be >= 0 ms, got " + boundedStalenessMillis);
    }
    this.admin = Admin.create(Map.of("bootstrap.servers", kafkaBootstrap));
    this.boundedStalenessMillis = Math.max(1, boundedStalenessMillis);
  }

  /** The staleness bound of BOUNDED reads, in ms. */
  public long boundedStalenessMillis() {
    return boundedStalenessMillis;
  }

  /** The staleness bound to send to nodes for {@code level}: the bound for BOUNDED, else 0 (none). */
  public long stalenessMillis(Level level) {
    return level == Level.BOUNDED ? boundedStalenessMillis : 0;
  }

  /** A new hybrid timestamp, strictly increasing. */
  public synchronized long nextTimestamp() {
    long ts = System.currentTimeMillis() << 18;
    lastTs = Math.max(ts, lastTs + 1);
    return lastTs;
  }

  /** Records a write's offsets and returns the timestamp to hand back to the client. */
  public long recordWrite(String collection, ReadToken token) {
    NavigableMap<Long, Map<Integer, Long>> m = registry.computeIfAbsent(collection, c -> new ConcurrentSkipListMap<>());
    synchronized (m) {
      long ts = nextTimestamp();
      Map<Integer, Long> cumulative = new HashMap<>(m.isEmpty() ? Map.of() : m.lastEntry().getValue());
      token.offsets().forEach((s, o) -> cumulative.merge(s, o, Math::max));
      m.put(ts, cumulative);
      while (m.size() > MAX_REGISTRY) {
        m.pollFirstEntry();
      }
      return ts;
    }
  }

  /** Forgets a dropped collection's timestamps. */
  public void forget(String collection) {
    registry.remove(collection);
  }

  /**
   * The offsets to wait for, by shard; empty for no wait.
   *
   * @param guaranteeTs the Milvus guarantee timestamp (SESSION: the client's last write; 0/1/2 mean none)
   * @param readToken a Quiver read token string, or null
   */
  public Map<Integer, Long> waitOffsets(String collection, int shards, Level level, long guaranteeTs,
      @Nullable String readToken) {
    Map<Integer, Long> out = new HashMap<>();
    if (readToken != null && !readToken.isBlank()) {
      ReadToken t;
      try {
        t = ReadToken.parse(readToken);
      } catch (IllegalArgumentException e) {
        throw new io.quiver.engine.schema.ValidationException("read_token", readToken, e.getMessage());
      }
      out.putAll(t.offsets());
    }
    switch (level) {
      case STRONG:
        strong(collection, shards).forEach((s, o) -> out.merge(s, o, Math::max));
        break;
      case SESSION:
      case CUSTOMIZED:
        if (guaranteeTs > 2) {
          NavigableMap<Long, Map<Integer, Long>> m = registry.get(collection);
          Map.Entry<Long, Map<Integer, Long>> e = m == null ? null : m.floorEntry(guaranteeTs);
          boolean issuedHere = m != null && !m.isEmpty() && guaranteeTs <= m.lastKey() && e != null;
          Map<Integer, Long> offsets = issuedHere ? e.getValue() : strong(collection, shards);
          offsets.forEach((s, o) -> out.merge(s, o, Math::max));
        }
        break;
      default:
        break;
    }
    return out;
  }

  /**
   * Per shard, the last offset written (end offset − 1; of a WAL written in Kafka transactions: the last committed
   * one, which is what the tails read); shards with nothing written are left out.
   */
  public Map<Integer, Long> strong(String collection, int shards) {
    List<Integer> all = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      all.add(s);
    }
    try {
      Map<Integer, Long> out = new HashMap<>();
      WalTopics.committedEnds(admin, collection, all, Duration.ofSeconds(10)).forEach((shard, end) -> {
        if (end > 0) {
          out.put(shard, end - 1);
        }
      });
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the WAL end offsets of " + collection, e);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the WAL end offsets of " + collection + ": " + e, e);
    }
  }

  /** Kafka admin access for topic management (create, delete). */
  public Admin admin() {
    return admin;
  }

  /** Deletes the collection's topics and waits (bounded) until they are gone. */
  public void deleteTopics(String collection) {
    try {
      admin.deleteTopics(List.of(WalTopics.walTopic(collection), WalTopics.dlqTopic(collection))).all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // absent topics are fine
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(WalTopics.walTopic(collection))) {
          return;
        }
        Thread.sleep(50); // topic deletion has no completion callback to await
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
