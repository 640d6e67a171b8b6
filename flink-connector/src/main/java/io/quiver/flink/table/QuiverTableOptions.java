package io.quiver.flink.table;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options of {@code 'connector' = 'quiver'}. */
public final class QuiverTableOptions {
  private QuiverTableOptions() {}

  public static final ConfigOption<String> COLLECTION = ConfigOptions.key("collection").stringType().noDefaultValue()
      .withDescription("The Quiver collection the table writes to.");
  public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap.servers").stringType()
      .noDefaultValue().withDescription("Kafka bootstrap servers of the collection's WAL.");
  public static final ConfigOption<String> WAREHOUSE = ConfigOptions.key("warehouse").stringType().noDefaultValue()
      .withDescription("Warehouse URI holding the collection (its schema and shard count are read from there).");
  public static final ConfigOption<Integer> SINK_PARALLELISM = ConfigOptions.key("sink.parallelism").intType()
      .noDefaultValue().withDescription("Parallelism of the WAL writers.");

  /** Prefix of Hadoop properties for the warehouse file system, e.g. {@code 'hadoop.fs.s3a.endpoint'}. */
  public static final String HADOOP_PREFIX = "hadoop.";
  /** Prefix of Kafka producer properties, e.g. {@code 'kafka.security.protocol'}. */
  public static final String KAFKA_PREFIX = "kafka.";
  /** Prefix of per-column options: {@code 'fields.<column>.dim'} declares a vector column's dimension. */
  public static final String FIELDS_PREFIX = "fields.";
}
