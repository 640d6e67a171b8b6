package io.quiver.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * The options of {@code format("quiver")} and of the catalog's tables, validated at the edge: an unknown option is
 * refused with the list of known ones. Keys are case-insensitive (Spark lower-cases them).
 *
 * <ul>
 *   <li>{@code warehouse}, {@code collection}: where the collection lives;
 *   <li>reads: {@code version}, {@code tag}, {@code as_of_timestamp} (epoch millis or ISO-8601), {@code snapshot_id},
 *       and Spark's {@code versionAsOf} / {@code timestampAsOf}; {@code include_unsealed} with
 *       {@code kafka.bootstrap.servers} (and any {@code kafka.*} consumer setting);
 *   <li>writes: {@code write_mode} ({@code append} | {@code upsert}), {@code on_duplicate} ({@code error} |
 *       {@code last} | {@code first}), {@code partition}, {@code segment_rows};
 *   <li>creating a collection on first write: {@code primary_key}, {@code shards}, {@code <vector>.dim},
 *       {@code <vector>.metric}, {@code <vector>.index}, {@code <vector>.index.<param>}, {@code <varchar>.max_length},
 *       {@code dynamic_field};
 *   <li>{@code hadoop.<key>}: any Hadoop/S3A setting, e.g. {@code hadoop.fs.s3a.endpoint}.
 * </ul>
 */
public final class QuiverOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String WAREHOUSE = "warehouse";
  public static final String COLLECTION = "collection";
  public static final String VERSION = "version";
  public static final String TAG = "tag";
  public static final String AS_OF_TIMESTAMP = "as_of_timestamp";
  public static final String SNAPSHOT_ID = "snapshot_id";
  public static final String VERSION_AS_OF = "versionasof";
  public static final String TIMESTAMP_AS_OF = "timestampasof";
  public static final String INCLUDE_UNSEALED = "include_unsealed";
  public static final String WRITE_MODE = "write_mode";
  public static final String ON_DUPLICATE = "on_duplicate";
  public static final String PARTITION = "partition";
  public static final String SEGMENT_ROWS = "segment_rows";
  public static final String BATCH_ROWS = "batch_rows";
  public static final String PRIMARY_KEY = "primary_key";
  public static final String AUTO_ID = "auto_id";
  public static final String SHARDS = "shards";
  public static final String DYNAMIC_FIELD = "dynamic_field";
  public static final String HADOOP_PREFIX = "hadoop.";
  public static final String KAFKA_PREFIX = "kafka.";

  private static final int MAX_BATCH_ROWS = 1 << 20;
  private static final Set<String> KNOWN = Set.of(WAREHOUSE, COLLECTION, VERSION, TAG, AS_OF_TIMESTAMP, SNAPSHOT_ID,
      VERSION_AS_OF, TIMESTAMP_AS_OF, INCLUDE_UNSEALED, WRITE_MODE, ON_DUPLICATE, PARTITION, SEGMENT_ROWS,
      BATCH_ROWS, PRIMARY_KEY, AUTO_ID, SHARDS, DYNAMIC_FIELD);
  /** Per-field settings: {@code <field>.dim}, {@code <field>.metric}, {@code <field>.index[.<param>]}, ... */
  private static final Pattern FIELD_OPTION =
      Pattern.compile("[a-z_][a-z0-9_]*\\.(dim|metric|index|index\\.[a-z0-9_]+|max_length|nullable)");
  /** Options Spark itself adds to a catalog table's or a path-based source's options. */
  private static final Set<String> SPARK_ADDED = Set.of("path", "provider", "owner", "location", "comment",
      "external", "is_managed_location");

  private final Map<String, String> options;

  /** Which duplicate primary key of one write wins. */
  public enum OnDuplicate { ERROR, LAST, FIRST }

  private QuiverOptions(Map<String, String> options) {
    this.options = options;
  }

  /**
   * Validates {@code raw}.
   *
   * @throws IllegalArgumentException naming the unknown option and listing the known ones
   */
  public static QuiverOptions of(Map<String, String> raw) {
    Map<String, String> opts = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (key.startsWith(HADOOP_PREFIX) || key.startsWith(KAFKA_PREFIX)) {
        opts.put(e.getKey().startsWith(HADOOP_PREFIX) || e.getKey().startsWith(KAFKA_PREFIX) ? e.getKey() : key,
            e.getValue());
        continue;
      }
      if (!KNOWN.contains(key) && !FIELD_OPTION.matcher(key).matches() && !SPARK_ADDED.contains(key)) {
        throw new IllegalArgumentException("Unknown quiver option '" + e.getKey() + "'; known options: "
            + new TreeSet<>(KNOWN) + ", <field>.dim|metric|index|index.<param>|max_length|nullable, "
            + HADOOP_PREFIX + "<hadoop key>, " + KAFKA_PREFIX + "<consumer key>");
      }
      opts.put(key, e.getValue());
    }
    return new QuiverOptions(Collections.unmodifiableMap(opts));
  }

  /** These options with {@code more} on top (catalog table options + per-query options). */
  public QuiverOptions with(Map<String, String> more) {
    Map<String, String> all = new TreeMap<>(options);
    all.putAll(of(more).options);
    return new QuiverOptions(Collections.unmodifiableMap(all));
  }

  public Map<String, String> asMap() {
    return options;
  }

  @Nullable
  public String get(String key) {
    return options.get(key);
  }

  public String require(String key) {
    String v = options.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("Option '" + key + "' is required, e.g. .option(\"" + key + "\", \""
          + (WAREHOUSE.equals(key) ? "s3a://bucket/quiver" : "docs") + "\")");
    }
    return v;
  }

  public String warehouse() {
    return require(WAREHOUSE);
  }

  public String collection() {
    return require(COLLECTION);
  }

  /** Hadoop settings given as {@code hadoop.<key>}, prefix removed. */
  public Map<String, String> hadoopProperties() {
    Map<String, String> out = new TreeMap<>();
    options.forEach((k, v) -> {
      if (k.startsWith(HADOOP_PREFIX)) {
        out.put(k.substring(HADOOP_PREFIX.length()), v);
      }
    });
    return out;
  }

  /** Kafka consumer settings given as {@code kafka.<key>}, prefix removed. */
  public Map<String, String> kafkaProperties() {
    Map<String, String> out = new TreeMap<>();
    options.forEach((k, v) -> {
      if (k.startsWith(KAFKA_PREFIX)) {
        out.put(k.substring(KAFKA_PREFIX.length()), v);
      }
    });
    return out;
  }

  /** {@code batch_rows}: rows per columnar batch of a read task (default 4,096, as Spark's Parquet reader). */
  public int batchRows() {
    long n = longValue(BATCH_ROWS, 4096, 1);
    if (n > MAX_BATCH_ROWS) {
      throw new IllegalArgumentException("Option '" + BATCH_ROWS + "' must be at most " + MAX_BATCH_ROWS + ", got " + n
          + ": a batch is held in memory by each read task");
    }
    return (int) n;
  }

  public boolean includeUnsealed() {
    return bool(INCLUDE_UNSEALED, false);
  }

  public boolean bool(String key, boolean dflt) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException("Option '" + key + "' must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  public long longValue(String key, long dflt, long min) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < min) {
        throw new IllegalArgumentException("Option '" + key + "' must be at least " + min + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  /** {@code write_mode}: append (default) or upsert; both let the new row of an existing key win. */
  public String writeMode() {
    String v = options.getOrDefault(WRITE_MODE, "append").toLowerCase(Locale.ROOT);
    if (!v.equals("append") && !v.equals("upsert")) {
      throw new IllegalArgumentException("Option 'write_mode' must be append or upsert, got '" + v + "'");
    }
    return v;
  }

  public OnDuplicate onDuplicate() {
    String v = options.getOrDefault(ON_DUPLICATE, "last");
    try {
      return OnDuplicate.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option 'on_duplicate' must be one of error, last, first; got '" + v + "'");
    }
  }

  /** True when any time travel option is set. */
  public boolean timeTravel() {
    List<String> set = new ArrayList<>();
    for (String k : List.of(VERSION, TAG, AS_OF_TIMESTAMP, SNAPSHOT_ID, VERSION_AS_OF, TIMESTAMP_AS_OF)) {
      if (options.containsKey(k)) {
        set.add(k);
      }
    }
    if (set.size() > 1) {
      throw new IllegalArgumentException("Options " + set + " each pick a version; give only one");
    }
    return !set.isEmpty();
  }

  @Override
  public String toString() {
    return options.toString();
  }
}
