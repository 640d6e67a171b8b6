package io.quiver.engine.index;

import io.quiver.engine.schema.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One build parameter a factory knows: name, default, and the values it accepts. */
final class ParamSpec {
  private enum Type { INT, FLOAT, BOOLEAN }

  final String name;
  final String defaultValue;
  private final Type type;
  private final double min;
  private final double max;

  private ParamSpec(String name, String defaultValue, Type type, double min, double max) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.type = type;
    this.min = min;
    this.max = max;
  }

  static ParamSpec intRange(String name, int defaultValue, int min, int max) {
    return new ParamSpec(name, Integer.toString(defaultValue), Type.INT, min, max);
  }

  static ParamSpec floatRange(String name, float defaultValue, float min, float max) {
    return new ParamSpec(name, Float.toString(defaultValue), Type.FLOAT, min, max);
  }

  static ParamSpec bool(String name, boolean defaultValue) {
    return new ParamSpec(name, Boolean.toString(defaultValue), Type.BOOLEAN, 0, 0);
  }

  /** Checks {@code raw} and returns its normalized string form. */
  String check(String kind, String raw) {
    String v = raw == null ? "" : raw.trim();
    switch (type) {
      case INT: {
        long x;
        try {
          x = Long.parseLong(v);
        } catch (NumberFormatException e) {
          throw bad(kind, raw, "must be an integer between " + (long) min + " and " + (long) max);
        }
        if (x < min || x > max) {
          throw bad(kind, raw, "must be between " + (long) min + " and " + (long) max);
        }
        return Long.toString(x);
      }
      case FLOAT: {
        float x;
        try {
          x = Float.parseFloat(v);
        } catch (NumberFormatException e) {
          throw bad(kind, raw, "must be a number between " + min + " and " + max);
        }
        if (!(x >= min && x <= max)) {
          throw bad(kind, raw, "must be between " + (float) min + " and " + (float) max);
        }
        return Float.toString(x);
      }
      default: {
        String b = v.toLowerCase(Locale.ROOT);
        if (!b.equals("true") && !b.equals("false")) {
          throw bad(kind, raw, "must be true or false");
        }
        return b;
      }
    }
  }

  private ValidationException bad(String kind, String raw, String why) {
    return new ValidationException(name, raw, "index " + kind + " parameter " + name + " " + why);
  }

  static Map<String, String> defaults(List<ParamSpec> specs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (ParamSpec s : specs) {
      m.put(s.name, s.defaultValue);
    }
    return m;
  }

  /** Every spec's value, from {@code given} or the default; refuses names no spec knows. */
  static IndexParams validate(String kind, List<ParamSpec> specs, Map<String, String> given) {
    Map<String, ParamSpec> byName = new LinkedHashMap<>();
    for (ParamSpec s : specs) {
      byName.put(s.name, s);
    }
    for (Map.Entry<String, String> e : given.entrySet()) {
      String key = e.getKey() == null ? null : e.getKey().trim().toLowerCase(Locale.ROOT);
      if (key == null || !byName.containsKey(key)) {
        throw new ValidationException(String.valueOf(e.getKey()), e.getValue(), "unknown parameter of index "
            + kind + "; known parameters: " + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (ParamSpec s : specs) {
      String raw = null;
      for (Map.Entry<String, String> e : given.entrySet()) {
        if (e.getKey().trim().toLowerCase(Locale.ROOT).equals(s.name)) {
          raw = e.getValue();
        }
      }
      out.put(s.name, raw == null ? s.defaultValue : s.check(kind, raw));
    }
    return new IndexParams(kind, out);
  }
}
