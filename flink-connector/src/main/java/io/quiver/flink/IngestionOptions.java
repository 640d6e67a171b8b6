package io.quiver.flink;

import io.quiver.flink.ingest.SegmentIndexer;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the ingestion job of one collection. Immutable and serializable (shipped to every task); build with
 * {@link #builder(String, String, String)}.
 */
public final class IngestionOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String collection;
  private final String warehouse;
  private final String bootstrapServers;
  private final HashMap<String, String> hadoopProperties;
  private final HashMap<String, String> kafkaProperties;
  private final long sealRows;
  private final long sealBytes;
  private final long sealAgeMillis;
  private final SegmentIndexer indexer;

  private IngestionOptions(Builder b) {
    this.collection = b.collection;
    this.warehouse = b.warehouse;
    this.bootstrapServers = b.bootstrapServers;
    this.hadoopProperties = new HashMap<>(b.hadoopProperties);
    this.kafkaProperties = new HashMap<>(b.kafkaProperties);
    this.sealRows = b.sealRows;
    this.sealBytes = b.sealBytes;
    this.sealAgeMillis = b.sealAge.toMillis();
    this.indexer = b.indexer;
  }

  /** Options for ingesting {@code collection} of {@code warehouse} from the Kafka cluster at {@code bootstrapServers}. */
  public static Builder builder(String collection, String warehouse, String bootstrapServers) {
    return new Builder(collection, warehouse, bootstrapServers);
  }

  public String collection() {
    return collection;
  }

  public String warehouse() {
    return warehouse;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Hadoop properties for the warehouse's file system (e.g. {@code fs.s3a.*}). */
  public Map<String, String> hadoopProperties() {
    return hadoopProperties;
  }

  /** Extra Kafka consumer/producer properties (security ...). */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  /** Seal a shard's growing segment once it holds this many WAL records. */
  public long sealRows() {
    return sealRows;
  }

  /** Seal once the growing segment's WAL values reach this many bytes. */
  public long sealBytes() {
    return sealBytes;
  }

  /** Seal once the oldest record of the growing segment is this old (processing time). */
  public long sealAgeMillis() {
    return sealAgeMillis;
  }

  public SegmentIndexer indexer() {
    return indexer;
  }

  @Override
  public String toString() {
    return "ingest " + collection + " from " + bootstrapServers + " into " + warehouse + " (seal at " + sealRows
        + " records, " + sealBytes + " bytes or " + sealAgeMillis + " ms; hadoop " + new TreeMap<>(hadoopProperties)
        .keySet() + ")";
  }

  /** Builds {@link IngestionOptions}; {@link #build()} validates. */
  public static final class Builder {
    private final String collection;
    private final String warehouse;
    private final String bootstrapServers;
    private final Map<String, String> hadoopProperties = new HashMap<>();
    private final Map<String, String> kafkaProperties = new HashMap<>();
    private long sealRows = 100_000;
    private long sealBytes = 64L << 20;
    private Duration sealAge = Duration.ofSeconds(10);
    private SegmentIndexer indexer = SegmentIndexer.NONE;

    private Builder(String collection, String warehouse, String bootstrapServers) {
      this.collection = collection;
      this.warehouse = warehouse;
      this.bootstrapServers = bootstrapServers;
    }

    public Builder hadoopProperties(Map<String, String> props) {
      hadoopProperties.putAll(props);
      return this;
    }

    public Builder kafkaProperties(Map<String, String> props) {
      kafkaProperties.putAll(props);
      return this;
    }

    public Builder sealRows(long value) {
      this.sealRows = value;
      return this;
    }

    public Builder sealBytes(long value) {
      this.sealBytes = value;
      return this;
    }

    public Builder sealAge(Duration value) {
      this.sealAge = value;
      return this;
    }

    public Builder indexer(SegmentIndexer value) {
      this.indexer = value;
      return this;
    }

    public IngestionOptions build() {
      require(collection, "collection", "the collection to ingest");
      require(warehouse, "warehouse", "e.g. s3a://bucket/quiver or /data/quiver");
      require(bootstrapServers, "bootstrap servers", "e.g. 127.0.0.1:9092");
      if (sealRows < 1) {
        throw new IllegalArgumentException("Cannot ingest " + collection + ": seal rows must be positive, got "
            + sealRows);
      }
      if (sealBytes < 1) {
        throw new IllegalArgumentException("Cannot ingest " + collection + ": seal bytes must be positive, got "
            + sealBytes);
      }
      if (sealAge == null || sealAge.isNegative() || sealAge.isZero()) {
        throw new IllegalArgumentException("Cannot ingest " + collection + ": seal age must be positive, got "
            + sealAge);
      }
      if (indexer == null) {
        throw new IllegalArgumentException("Cannot ingest " + collection + ": indexer is null; use SegmentIndexer.NONE");
      }
      return new IngestionOptions(this);
    }

    private static void require(String value, String name, String example) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("Cannot build the ingestion job: " + name + " is required (" + example
            + ")");
      }
    }
  }
}
