package io.quiver.wal;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.Row;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.schema.Values;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalOp;
import io.quiver.engine.wal.WalRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes inserts, upserts and deletes of one collection to its WAL topic ({@link WalTopics#walTopic}).
 *
 * <p>Rows are validated first ({@link Row#of}: every error names field, value and reason) and nothing of a batch
 * is sent when one row is invalid. Auto-id primary keys are assigned here ({@link AutoIds}). Each record goes to the
 * partition {@link Sharding#shardOfKey} of its key, with an idempotent producer and {@code acks=all}, so a record is
 * written once per send and in order within its shard.
 *
 * <p>Two styles: the blocking batch calls ({@link #insert}, {@link #upsert}, {@link #delete}) return a
 * {@link WriteResult} with the session token of exactly what they wrote; the streaming calls ({@link #append},
 * {@link #flush}) send asynchronously and report errors and the token at {@code flush}. Thread-safe.
 *
 * <p>A writer built with {@link Builder#transactionalId} writes in Kafka transactions ({@link #beginTransaction},
 * {@link #commitTransaction}, {@link #abortTransaction}): what one transaction wrote becomes visible to Quiver's WAL
 * readers (the ingestion job, the serving tail, Spark's WAL reader: all {@code read_committed}) at once when it
 * commits, and never when it aborts. Then every write must happen inside a transaction, from one thread at a time.
 */
public final class WalWriter implements AutoCloseable {
  private final String collection;
  private final String topic;
  private final CollectionSchema schema;
  private final int shards;
  private final List<String> partitions;
  private final AutoIds autoIds;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ThreadLocal<WalCodec> codecs;
  private final Map<Integer, Long> written = new ConcurrentHashMap<>();
  private final AtomicReference<Exception> asyncError = new AtomicReference<>();
  /**
   * Reads the WAL's committed end offsets for {@link #commitTransaction}; set exactly when the writer is
   * transactional.
   */
  @Nullable private final Admin admin;

  /** How long {@link #commitTransaction} waits at most for the commit's markers to make its records readable. */
  static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);

  private WalWriter(Builder b) {
    this.collection = b.collection;
    this.topic = WalTopics.walTopic(b.collection);
    this.schema = b.schema;
    this.shards = b.shards;
    this.partitions = List.copyOf(b.partitions);
    this.autoIds = b.nodeId < 0 ? new AutoIds() : new AutoIds(b.nodeId);
    this.codecs = ThreadLocal.withInitial(() -> new WalCodec(schema));
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "quiver-wal-" + b.collection + "-" + autoIds.nodeId());
    props.putAll(b.producerProperties);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    if (b.transactionalId != null) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, b.transactionalId);
    }
    Object transactionalId = props.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG); // also when given as a property
    this.producer = new KafkaProducer<>(props);
    this.admin = transactionalId != null ? Admin.create(adminProperties(props)) : null;
    if (admin != null) {
      try {
        // fences off an earlier writer with the same id and aborts what it left open
        producer.initTransactions();
      } catch (RuntimeException e) {
        producer.close(Duration.ZERO);
        admin.close(Duration.ZERO);
        throw new IllegalStateException("Cannot start transactions as '" + transactionalId + "' on " + topic
            + ": " + e, e);
      }
    }
  }

  /**
   * A builder for a writer of {@code collection}; pass the schema and shard count of its current manifest
   * ({@code catalog.current(collection).schema()} / {@code .shards()}).
   */
  public static Builder builder(String bootstrapServers, String collection, CollectionSchema schema, int shards) {
    return new Builder(bootstrapServers, collection, schema, shards);
  }

  public String collection() {
    return collection;
  }

  public CollectionSchema schema() {
    return schema;
  }

  public int shards() {
    return shards;
  }

  /** The collection's partitions this writer was built with (see {@link Builder#partitions}). */
  public List<String> partitions() {
    return partitions;
  }

  /** Inserts rows given by field name; assigns auto ids. Blocks until every record is acknowledged. */
  public WriteResult insert(List<? extends Map<String, ?>> rows) {
    return insert(null, rows);
  }

  /**
   * Inserts rows into {@code partition} (null: {@code _default}, or by the partition key when the schema has one).
   * Blocks until every record is acknowledged.
   */
  public WriteResult insert(@Nullable String partition, List<? extends Map<String, ?>> rows) {
    return writeAll(prepareAll(WalOp.INSERT, partition, rows));
  }

  /** Upserts rows given by field name (the primary key is required, also for auto-id keys). Blocks. */
  public WriteResult upsert(List<? extends Map<String, ?>> rows) {
    return upsert(null, rows);
  }

  /** Upserts rows into {@code partition} (null as for {@link #insert(String, List)}). Blocks. */
  public WriteResult upsert(@Nullable String partition, List<? extends Map<String, ?>> rows) {
    return writeAll(prepareAll(WalOp.UPSERT, partition, rows));
  }

  /** Deletes primary keys. Blocks until every record is acknowledged. */
  public WriteResult delete(List<?> primaryKeys) {
    return delete(null, primaryKeys);
  }

  /**
   * Deletes primary keys, recorded in {@code partition} (null: {@code _default}). A primary key is unique across a
   * collection's partitions, so the delete hides the key's earlier row wherever it is. Blocks.
   */
  public WriteResult delete(@Nullable String partition, List<?> primaryKeys) {
    String p = partition == null ? WalRecord.DEFAULT_PARTITION : checkPartition(partition);
    List<WalRecord> records = new ArrayList<>(primaryKeys.size());
    for (Object pk : primaryKeys) {
      records.add(WalRecord.delete(schema.version(), p, normalizePk(pk)));
    }
    return writeAll(records);
  }

  private String checkPartition(String partition) {
    if (!partitions.contains(partition)) {
      throw new ValidationException("partition_name", partition, "collection " + collection
          + " has no such partition; it has " + partitions);
    }
    return partition;
  }

  /** The partition of a row: the one asked for, else by the partition key, else {@code _default}. */
  private String partitionOf(@Nullable String partition, Row row) {
    FieldSchema key = schema.partitionKey();
    if (key != null) {
      if (partition != null) {
        throw new ValidationException("partition_name", partition, "collection " + collection + " has the partition "
            + "key '" + key.name() + "'; rows are placed by it, a partition name cannot be given");
      }
      return Sharding.partitionOfKey(row.get(schema.position(key.name())), partitions);
    }
    return partition == null ? WalRecord.DEFAULT_PARTITION : checkPartition(partition);
  }

  /**
   * Validates and sends one record without waiting. {@code value} is the row (a map by field name) for inserts and
   * upserts, the primary key for deletes. Errors of the send surface at the next {@link #flush()}.
   *
   * @return the primary key (assigned for auto-id inserts)
   * @throws ValidationException when the row or key is invalid; nothing is sent then
   */
  public Object append(WalOp op, Object value) {
    rethrowAsyncError();
    WalRecord r;
    if (op == WalOp.DELETE) {
      r = WalRecord.delete(schema.version(), WalRecord.DEFAULT_PARTITION, normalizePk(value));
    } else {
      if (!(value instanceof Map)) {
        throw new IllegalArgumentException("An " + op + " takes a row as a Map by field name, not "
            + (value == null ? null : value.getClass().getName()));
      }
      @SuppressWarnings("unchecked")
      Map<String, ?> row = (Map<String, ?>) value;
      r = prepare(op, null, row);
    }
    send(r, (md, e) -> {
      if (e != null) {
        asyncError.compareAndSet(null, e);
      }
    });
    return r.pk();
  }

  /**
   * Waits until every record sent so far is acknowledged and returns the token of everything this writer has
   * written since it was created.
   *
   * @throws IllegalStateException when an asynchronous send failed
   */
  public ReadToken flush() {
    producer.flush();
    rethrowAsyncError();
    return ReadToken.of(written);
  }

  /**
   * Starts a transaction: what this writer sends from now until {@link #commitTransaction} or {@link
   * #abortTransaction} becomes visible all at once, or never.
   *
   * @throws IllegalStateException when the writer was built without {@link Builder#transactionalId}
   */
  public void beginTransaction() {
    requireTransactional("begin a transaction");
    producer.beginTransaction();
  }

  /**
   * Sends what is pending and commits the transaction, and returns once its records are readable by {@code
   * read_committed} readers (Kafka acknowledges a commit before its markers reach the WAL's partitions; a {@code STRONG}
   * read started after this returns sees the rows); returns the token of everything this writer has written since it
   * was created.
   *
   * @throws IllegalStateException when a send of the transaction failed: the transaction is aborted then, and none of
   *     its records will ever be read
   */
  public ReadToken commitTransaction() {
    requireTransactional("commit a transaction");
    producer.flush();
    Exception failed = asyncError.get();
    if (failed != null) {
      IllegalStateException e = new IllegalStateException("A write to " + topic + " failed, so the transaction is "
          + "aborted: " + failed, failed);
      try {
        abortTransaction();
      } catch (RuntimeException abortFailed) {
        e.addSuppressed(abortFailed); // the broker aborts it when it times out, or when a new writer fences this one
      }
      throw e;
    }
    producer.commitTransaction();
    // every offset this writer wrote: the earlier transactions' are readable (or aborted) already
    Map<Integer, Long> last = Map.copyOf(written);
    awaitReadable(last);
    return ReadToken.of(last);
  }

  /** Waits (bounded) until the committed end offset of every shard is past {@code last}'s offset for it. */
  private void awaitReadable(Map<Integer, Long> last) {
    if (last.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
    long pause = 1;
    try {
      while (true) {
        Map<Integer, Long> ends = WalTopics.committedEnds(admin, collection, last.keySet(), VISIBLE_TIMEOUT);
        if (last.entrySet().stream().allMatch(e -> ends.getOrDefault(e.getKey(), 0L) > e.getValue())) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("The transaction on " + topic + " is committed, but its records " + last
              + " are not readable after " + VISIBLE_TIMEOUT + " (committed end offsets " + ends + ")");
        }
        Thread.sleep(pause); // the markers are written within milliseconds of the commit; no event to wait on
        pause = Math.min(50, pause * 2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the transaction on " + topic + " to be readable",
          e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("The transaction on " + topic + " is committed, but its end offsets cannot be "
          + "read: " + e, e);
    }
  }

  /** The admin client's share of the producer's properties: where the brokers are and how to reach them. */
  private static Map<String, Object> adminProperties(Map<String, Object> producer) {
    Map<String, Object> out = new HashMap<>();
    producer.forEach((k, v) -> {
      if (k.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) || k.startsWith("security.") || k.startsWith("sasl.")
          || k.startsWith("ssl.")) {
        out.put(k, v);
      }
    });
    out.put(ProducerConfig.CLIENT_ID_CONFIG, producer.get(ProducerConfig.CLIENT_ID_CONFIG) + "-admin");
    return out;
  }

  /** Aborts the transaction: none of its records will be read by a {@code read_committed} reader. */
  public void abortTransaction() {
    requireTransactional("abort a transaction");
    producer.abortTransaction();
    asyncError.set(null); // a failed send of the aborted transaction concerns nothing that remains
  }

  private void requireTransactional(String what) {
    if (admin == null) {
      throw new IllegalStateException("Cannot " + what + " on the WAL writer of " + collection
          + ": it was built without a transactional id (WalWriter.Builder.transactionalId)");
    }
  }

  private void rethrowAsyncError() {
    Exception e = asyncError.get();
    if (e != null) {
      throw new IllegalStateException("A write to " + topic + " failed: " + e, e);
    }
  }

  private List<WalRecord> prepareAll(WalOp op, @Nullable String partition, List<? extends Map<String, ?>> rows) {
    if (partition != null && schema.partitionKey() == null) {
      checkPartition(partition);
    }
    List<WalRecord> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      try {
        out.add(prepare(op, partition, rows.get(i)));
      } catch (ValidationException e) {
        throw new ValidationException(e.field(), e.value(), e.reason() + " (row " + i + " of " + rows.size()
            + "; nothing of this batch was written)");
      }
    }
    return out;
  }

  private WalRecord prepare(WalOp op, @Nullable String partition, Map<String, ?> input) {
    FieldSchema pkField = schema.primaryKey();
    int pkPos = schema.primaryKeyPosition();
    if (pkField.isAutoId() && op == WalOp.UPSERT) {
      Object pk = input.get(pkField.name());
      if (pk == null) {
        throw new ValidationException(pkField.name(), null, "an upsert needs the primary key, also when it is auto id");
      }
      Map<String, Object> rest = new LinkedHashMap<>(input);
      rest.remove(pkField.name());
      Row row = Row.of(schema, rest).with(pkPos, Values.normalize(pkField, pk));
      return WalRecord.upsert(schema.version(), partitionOf(partition, row), row.get(pkPos), row);
    }
    Row row = Row.of(schema, input);
    if (pkField.isAutoId()) {
      row = row.with(pkPos, autoIds.next());
    }
    return new WalRecord(op, schema.version(), partitionOf(partition, row), row.get(pkPos), row);
  }

  private Object normalizePk(Object pk) {
    FieldSchema f = schema.primaryKey();
    if (pk == null) {
      throw new ValidationException(f.name(), null, "a delete needs a primary key");
    }
    return Values.normalize(f, pk);
  }

  private WriteResult writeAll(List<WalRecord> records) {
    List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
    List<Object> pks = new ArrayList<>(records.size());
    for (WalRecord r : records) {
      futures.add(send(r, null));
      pks.add(r.pk());
    }
    Map<Integer, Long> last = new HashMap<>();
    for (Future<RecordMetadata> f : futures) {
      try {
        RecordMetadata md = f.get();
        last.merge(md.partition(), md.offset(), Math::max);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while writing to " + topic, e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("A write to " + topic + " failed: " + e.getCause(), e.getCause());
      }
    }
    return new WriteResult(pks, ReadToken.of(last));
  }

  private Future<RecordMetadata> send(WalRecord r, org.apache.kafka.clients.producer.Callback extra) {
    byte[] key = Sharding.keyBytes(r.pk());
    byte[] value = codecs.get().encode(r);
    int shard = Sharding.shardOfKey(key, shards);
    return producer.send(new ProducerRecord<>(topic, shard, key, value), (md, e) -> {
      if (e == null) {
        written.merge(md.partition(), md.offset(), Math::max);
      }
      if (extra != null) {
        extra.onCompletion(md, e);
      }
    });
  }

  /** Flushes and closes the producer (waits at most 30 s). */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }

  /** Builds a {@link WalWriter}. */
  public static final class Builder {
    private final String bootstrapServers;
    private final String collection;
    private final CollectionSchema schema;
    private final int shards;
    private final Map<String, Object> producerProperties = new HashMap<>();
    private int nodeId = -1;
    private @Nullable String transactionalId;
    private List<String> partitions = List.of(WalRecord.DEFAULT_PARTITION);

    private Builder(String bootstrapServers, String collection, CollectionSchema schema, int shards) {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("Cannot create a WAL writer for " + collection
            + ": bootstrap servers are required, e.g. 127.0.0.1:9092");
      }
      if (collection == null || collection.isBlank()) {
        throw new IllegalArgumentException("Cannot create a WAL writer: the collection name is required");
      }
      if (schema == null) {
        throw new IllegalArgumentException("Cannot create a WAL writer for " + collection + ": no schema");
      }
      if (shards < 1) {
        throw new IllegalArgumentException("Cannot create a WAL writer for " + collection
            + ": shards must be positive, got " + shards);
      }
      this.bootstrapServers = bootstrapServers;
      this.collection = collection;
      this.schema = schema;
      this.shards = shards;
    }

    /** Extra Kafka producer properties (security, batching); the serializers cannot be overridden. */
    public Builder producerProperty(String key, Object value) {
      producerProperties.put(key, value);
      return this;
    }

    /**
     * Writes in Kafka transactions under this id ({@link WalWriter#beginTransaction}); one live writer per id: a
     * new writer with the same id fences the older one off and aborts its open transaction.
     */
    public Builder transactionalId(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("Cannot create a WAL writer for " + collection
            + ": the transactional id must not be blank");
      }
      this.transactionalId = value;
      return this;
    }

    /** The auto-id node id (0..{@value AutoIds#MAX_NODE}); random when not set. */
    public Builder nodeId(int value) {
      this.nodeId = value;
      return this;
    }

    /**
     * The collection's partitions ({@code manifest.partitions()}); default {@code [_default]}. Rows go to a named
     * one, or, when the schema has a partition key, to the one its value hashes to.
     */
    public Builder partitions(List<String> value) {
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("Cannot create a WAL writer for " + collection
            + ": the partition list must not be empty");
      }
      this.partitions = List.copyOf(value);
      return this;
    }

    public WalWriter build() {
      return new WalWriter(this);
    }
  }
}
