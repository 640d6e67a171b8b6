package io.quiver.wal;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session token: for each shard, the highest WAL offset a client's writes reached. A read with {@code SESSION}
 * consistency waits until the shard tails (or the manifest) have reached these offsets, which gives
 * read-your-writes. Immutable.
 *
 * <p>String form (compact, URL- and header-safe): {@code q1:} then {@code shard.offset} pairs joined by {@code _},
 * e.g. {@code q1:0.1834_3.77}; the empty token is {@code q1:}. {@link #parse} refuses anything else with the reason.
 */
public final class ReadToken implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String PREFIX = "q1:";
  /** The token of no writes. */
  public static final ReadToken EMPTY = new ReadToken(Map.of());

  private final Map<Integer, Long> offsets;

  private ReadToken(Map<Integer, Long> offsets) {
    this.offsets = Collections.unmodifiableMap(new TreeMap<>(offsets));
  }

  /** A token from shard → last written offset; refuses negative shards or offsets. */
  public static ReadToken of(Map<Integer, Long> offsets) {
    for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
      if (e.getKey() == null || e.getKey() < 0 || e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException("Cannot build a read token: shard " + e.getKey() + " -> offset "
            + e.getValue() + ", both must be non-negative");
      }
    }
    return new ReadToken(offsets);
  }

  /** Shard → the highest offset written, sorted by shard. */
  public Map<Integer, Long> offsets() {
    return offsets;
  }

  public boolean isEmpty() {
    return offsets.isEmpty();
  }

  /** The token covering both: the greater offset per shard. */
  public ReadToken merge(ReadToken other) {
    Map<Integer, Long> m = new TreeMap<>(offsets);
    other.offsets.forEach((s, o) -> m.merge(s, o, Math::max));
    return new ReadToken(m);
  }

  /** Whether {@code reached} (shard → offset a reader has seen) covers every offset of this token. */
  public boolean isCoveredBy(Map<Integer, Long> reached) {
    for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
      Long r = reached.get(e.getKey());
      if (r == null || r < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Parses {@link #toString()}'s form. */
  public static ReadToken parse(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      throw new IllegalArgumentException("Bad read token '" + token + "': it must start with '" + PREFIX + "'");
    }
    String body = token.substring(PREFIX.length());
    Map<Integer, Long> m = new TreeMap<>();
    if (body.isEmpty()) {
      return EMPTY;
    }
    for (String pair : body.split("_", -1)) {
      int dot = pair.indexOf('.');
      try {
        if (dot <= 0) {
          throw new NumberFormatException("no '.'");
        }
        int shard = Integer.parseInt(pair.substring(0, dot));
        long offset = Long.parseLong(pair.substring(dot + 1));
        if (m.put(shard, offset) != null) {
          throw new IllegalArgumentException("Bad read token '" + token + "': shard " + shard + " appears twice");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Bad read token '" + token + "': '" + pair
            + "' is not <shard>.<offset>", e);
      }
    }
    return of(m);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(PREFIX);
    offsets.forEach((shard, off) -> {
      if (s.length() > PREFIX.length()) {
        s.append('_');
      }
      s.append(shard).append('.').append(off);
    });
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadToken && ((ReadToken) o).offsets.equals(offsets);
  }

  @Override
  public int hashCode() {
    return offsets.hashCode();
  }
}
