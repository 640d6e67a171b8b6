package io.quiver.serving.node;

import io.quiver.engine.catalog.SegmentEntry;
import io.quiver.engine.read.RowOrder;
import io.quiver.engine.read.Visibility;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.search.LoadedSegment;
import io.quiver.engine.segment.MemorySegments;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import io.quiver.wal.WalTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fresh tail of one shard: a Kafka consumer on the shard's WAL partition, started after the manifest's committed
 * offset, keeping every row and delete read since in memory as brute-force searchable chunks ({@link #view()}).
 * When a manifest covering some of them is loaded, {@link #trim} drops them (the handoff). One thread per tail.
 */
public final class ShardTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShardTail.class);
  private static final int MAX_CHUNKS = 8;

  /** One WAL entry read: a row (insert/upsert) of a partition, or a delete (row null). */
  private record Entry(Object pk, Row row, String partition, long offset) {}

  /** What searches see: the chunks, the deletes, and the next offset to read (everything before it is in). */
  public record View(List<LoadedSegment> chunks, Visibility.Deletes deletes, long position, long version) {}

  private final String collection;
  private final int shard;
  private final CollectionSchema schema;
  private final BufferAllocator allocator;
  private final DeferredCloser closer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final WalCodec codec;
  private final Thread thread;
  private final Object lock = new Object();
  private final List<Entry> entries = new ArrayList<>();
  private final List<int[]> chunkRanges = new ArrayList<>();
  private List<LoadedSegment> chunks = new ArrayList<>();
  private volatile View view;
  private long position;
  private long version;
  private volatile boolean closed;
  private final long pollMillis;
  /** Wall-clock ms of a moment at which the tail had read everything the WAL partition held (see {@link #run}). */
  private volatile long caughtUpAt;

  /**
   * How long an idle tail's fetch waits at the broker for new records, for a node whose BOUNDED reads allow
   * {@code boundedStalenessMs}: a tenth of it, between 10 and 500 ms. Fresh writes never wait for it (the broker
   * answers a waiting fetch as soon as a record lands, so STRONG and SESSION reads see them as fast either way); it sets
   * how often an idle shard asks (2 to 100 fetches a second) and so how old its "caught up at" time gets (see
   * {@link #caughtUpAtMillis}: at most about two polls, a fifth of the bound at the longest wait).
   */
  static long fetchWaitMillis(long boundedStalenessMs) {
    return Math.max(10, Math.min(500, boundedStalenessMs / 10));
  }

  ShardTail(String bootstrap, String collection, int shard, CollectionSchema schema, long committedOffset,
      BufferAllocator allocator, DeferredCloser closer, long fetchWaitMillis) {
    this.collection = collection;
    this.shard = shard;
    this.schema = schema;
    this.allocator = allocator;
    this.closer = closer;
    this.codec = new WalCodec(schema);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // as the ingestion job reads the WAL
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchWaitMillis);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "quiver-tail-" + collection + "-" + shard);
    this.consumer = new KafkaConsumer<>(p);
    TopicPartition tp = new TopicPartition(WalTopics.walTopic(collection), shard);
    consumer.assign(List.of(tp));
    this.position = committedOffset + 1;
    consumer.seek(tp, position);
    this.view = new View(List.of(), new Visibility.Deletes(), position, 0);
    // a poll outlasts a fetch's wait, so the answer to a fetch sent during one poll is read by the next at the latest
    this.pollMillis = fetchWaitMillis + 40;
    this.thread = new Thread(this::run, "quiver-tail-" + collection + "-" + shard);
    thread.setDaemon(true);
    thread.start();
  }

  public int shard() {
    return shard;
  }

  /** The current view; immutable, safe to search while the tail moves on. */
  public View view() {
    return view;
  }

  /** The next offset to read: every offset below it is in the view. */
  public long position() {
    return view.position();
  }

  /**
   * A wall-clock time (ms) at which this tail had read every record the WAL partition held: every write acknowledged
   * before it is in {@link #view()}. 0 until the first caught-up poll. BOUNDED reads compare it with their bound.
   */
  public long caughtUpAtMillis() {
    return caughtUpAt;
  }

  /** Rows (and deletes) held. */
  public int size() {
    synchronized (lock) {
      return entries.size();
    }
  }

  private void run() {
    TopicPartition tp = new TopicPartition(WalTopics.walTopic(collection), shard);
    long previousPollStart = System.currentTimeMillis();
    try {
      while (!closed) {
        long pollStart = System.currentTimeMillis();
        ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(pollMillis));
        List<Entry> batch = new ArrayList<>(recs.count());
        for (ConsumerRecord<byte[], byte[]> r : recs) {
          try {
            WalRecord w = codec.decode(r.value());
            batch.add(new Entry(w.pk(), w.op() == WalOp.DELETE ? null : w.row(), w.partition(), r.offset()));
          } catch (RuntimeException e) {
            LOG.warn("Skipping undecodable WAL record {}-{}@{}: {}", collection, shard, r.offset(), e.toString());
          }
        }
        long pos = consumer.position(tp);
        append(batch, pos);
        // Caught up when the position equals the high watermark of the last fetch. That fetch may have been sent
        // during the previous poll (the consumer prefetches), so only that poll's start is a safe "as of" time.
        java.util.OptionalLong lag = consumer.currentLag(tp);
        if (lag.isPresent() && lag.getAsLong() == 0) {
          caughtUpAt = previousPollStart;
        }
        previousPollStart = pollStart;
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("Tail of {} shard {} stopped: {}", collection, shard, e.toString(), e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void append(List<Entry> batch, long pos) {
    synchronized (lock) {
      if (batch.isEmpty() && pos == position) {
        return;
      }
      if (!batch.isEmpty()) {
        int from = entries.size();
        entries.addAll(batch);
        List<LoadedSegment> next = new ArrayList<>(chunks);
        if (chunkRanges.size() >= MAX_CHUNKS) {
          retire(next);
          next.clear();
          chunkRanges.clear();
          from = 0;
        }
        int to = entries.size();
        List<LoadedSegment> c = build(from, to);
        if (!c.isEmpty()) {
          next.addAll(c);
          chunkRanges.add(new int[] {from, to});
        }
        chunks = next;
      }
      position = pos;
      publish();
    }
  }

  /** Drops rows and deletes at or below {@code committedOffset}: a manifest that covers them is now loaded. */
  public void trim(long committedOffset) {
    synchronized (lock) {
      int n = entries.size();
      entries.removeIf(e -> e.offset() <= committedOffset);
      if (entries.size() == n) {
        return;
      }
      retire(chunks);
      chunkRanges.clear();
      List<LoadedSegment> next = new ArrayList<>();
      List<LoadedSegment> c = build(0, entries.size());
      if (!c.isEmpty()) {
        next.addAll(c);
        chunkRanges.add(new int[] {0, entries.size()});
      }
      chunks = next;
      position = Math.max(position, committedOffset + 1);
      publish();
    }
  }

  /** In-memory segments of the rows among entries {@code from..to}: one per partition (searches can pick some). */
  private List<LoadedSegment> build(int from, int to) {
    Map<String, List<Entry>> byPartition = new java.util.TreeMap<>();
    for (int i = from; i < to; i++) {
      Entry e = entries.get(i);
      if (e.row() != null) {
        byPartition.computeIfAbsent(e.partition(), p -> new ArrayList<>()).add(e);
      }
    }
    List<LoadedSegment> out = new ArrayList<>(byPartition.size());
    byPartition.forEach((partition, list) -> {
      List<Row> rows = new ArrayList<>(list.size());
      long[] off = new long[list.size()];
      for (int i = 0; i < off.length; i++) {
        rows.add(list.get(i).row());
        off[i] = list.get(i).offset();
      }
      String id = "tail-" + collection + "-" + shard + "-" + off[0] + "-" + off[off.length - 1]
          + (WalRecord.DEFAULT_PARTITION.equals(partition) ? "" : "-" + partition);
      SegmentData data = MemorySegments.of(schema, id, partition, shard, rows, new long[rows.size()], off, allocator);
      out.add(new LoadedSegment(new SegmentEntry(RowOrder.TAIL, data.stats(), Map.of()), data, Map.of()));
    });
    return out;
  }

  private void publish() {
    Visibility.Deletes d = new Visibility.Deletes();
    for (Entry e : entries) {
      if (e.row() == null) {
        d.add(e.pk(), RowOrder.TAIL, e.offset());
      }
    }
    view = new View(List.copyOf(chunks), d, position, ++version);
  }

  /** Searches may still hold a retired chunk: free it a while later. */
  private void retire(List<LoadedSegment> old) {
    List<LoadedSegment> copy = List.copyOf(old);
    closer.later(() -> copy.forEach(LoadedSegment::close));
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      retire(chunks);
      chunks = List.of();
    }
  }
}
