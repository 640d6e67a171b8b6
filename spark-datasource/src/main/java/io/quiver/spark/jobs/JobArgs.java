package io.quiver.spark.jobs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code --key value} arguments of the spark-submit mains; unknown keys are refused with the known ones. */
final class JobArgs {
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, String> hadoop = new TreeMap<>();

  private JobArgs() {}

  static JobArgs parse(String[] args, String... extra) {
    Set<String> known = new TreeSet<>(List.of("warehouse", "collection", "hadoop"));
    known.addAll(List.of(extra));
    JobArgs a = new JobArgs();
    for (int i = 0; i < args.length; i++) {
      String k = args[i];
      if (!k.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Expected --<option> <value> pairs, got '" + k + "'; options: " + known);
      }
      String key = k.substring(2);
      String v = args[++i];
      if (!known.contains(key)) {
        throw new IllegalArgumentException("Unknown option --" + key + "; options: " + known);
      }
      if (key.equals("hadoop")) {
        int eq = v.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--hadoop takes key=value, got '" + v + "'");
        }
        a.hadoop.put(v.substring(0, eq), v.substring(eq + 1));
      } else {
        a.values.put(key, v);
      }
    }
    return a;
  }

  String require(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  String get(String key, String dflt) {
    return values.getOrDefault(key, dflt);
  }

  Map<String, String> hadoop() {
    return hadoop;
  }
}
