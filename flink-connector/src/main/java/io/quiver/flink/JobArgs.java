package io.quiver.flink;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Command-line arguments of {@link IngestionJob#main}; every error names the argument and the reason. */
record JobArgs(IngestionOptions options, Duration checkpointInterval) {
  static final String USAGE = "usage: IngestionJob --warehouse <uri> --bootstrap-servers <host:port,...> "
      + "--collection <name> [--checkpoint-interval 10s] [--seal-rows 100000] [--seal-bytes 67108864] "
      + "[--seal-age 10s] [--seal-index none|spec] [--hadoop.<key>=<value> ...] [--kafka.<key>=<value> ...]";

  static JobArgs parse(String[] args) {
    Map<String, String> named = new HashMap<>();
    Map<String, String> hadoop = new HashMap<>();
    Map<String, String> kafka = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument '" + arg + "'; " + USAGE);
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("Argument --" + key + " needs a value; " + USAGE);
      }
      if (key.startsWith("hadoop.")) {
        hadoop.put(key.substring("hadoop.".length()), value);
      } else if (key.startsWith("kafka.")) {
        kafka.put(key.substring("kafka.".length()), value);
      } else {
        named.put(key, value);
      }
    }
    IngestionOptions.Builder b = IngestionOptions.builder(named.remove("collection"), named.remove("warehouse"),
        named.remove("bootstrap-servers")).hadoopProperties(hadoop).kafkaProperties(kafka);
    Duration interval = duration("checkpoint-interval", named.remove("checkpoint-interval"), Duration.ofSeconds(10));
    String v;
    if ((v = named.remove("seal-rows")) != null) {
      b.sealRows(number("seal-rows", v));
    }
    if ((v = named.remove("seal-bytes")) != null) {
      b.sealBytes(number("seal-bytes", v));
    }
    if ((v = named.remove("seal-age")) != null) {
      b.sealAge(duration("seal-age", v, null));
    }
    if ((v = named.remove("seal-index")) != null) {
      switch (v) {
        case "none":
          b.indexer(io.quiver.flink.ingest.SegmentIndexer.NONE);
          break;
        case "spec":
          b.indexer(io.quiver.flink.ingest.SegmentIndexer.COLLECTION_SPEC);
          break;
        default:
          throw new IllegalArgumentException("Invalid --seal-index '" + v + "': expected none (Spark reindexes later) "
              + "or spec (build the collection's index spec at every seal)");
      }
    }
    if (!named.isEmpty()) {
      throw new IllegalArgumentException("Unknown argument(s) " + named.keySet() + "; " + USAGE);
    }
    return new JobArgs(b.build(), interval);
  }

  private static long number(String name, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'");
    }
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, or plain milliseconds. */
  static Duration duration(String name, String v, Duration dflt) {
    if (v == null) {
      return dflt;
    }
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofMillis(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a duration like 500ms, 10s or 2m, got '" + v + "'");
    }
  }
}
