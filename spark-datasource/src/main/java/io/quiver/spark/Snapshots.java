package io.quiver.spark;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.catalog.NoSuchVersionException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Picks the manifest version a read sees: the current one, or the one named by {@code version} /
 * {@code versionAsOf}, {@code tag}, {@code snapshot_id}, {@code as_of_timestamp} / {@code timestampAsOf}.
 */
public final class Snapshots {
  private Snapshots() {}

  public static Manifest resolve(Catalog catalog, String collection, QuiverOptions o) {
    if (!o.timeTravel()) {
      return catalog.current(collection);
    }
    String v = first(o, QuiverOptions.VERSION, QuiverOptions.VERSION_AS_OF);
    if (v != null) {
      return byVersionOrTag(catalog, collection, v);
    }
    if (o.get(QuiverOptions.TAG) != null) {
      return catalog.tag(collection, o.get(QuiverOptions.TAG));
    }
    if (o.get(QuiverOptions.SNAPSHOT_ID) != null) {
      return bySnapshotId(catalog, collection, parseLong(QuiverOptions.SNAPSHOT_ID, o.get(QuiverOptions.SNAPSHOT_ID)));
    }
    String ts = first(o, QuiverOptions.AS_OF_TIMESTAMP, QuiverOptions.TIMESTAMP_AS_OF);
    return catalog.asOf(collection, parseTimestampMillis(ts));
  }

  /** A version number, or else a tag name (SQL {@code VERSION AS OF 'nightly'}). */
  public static Manifest byVersionOrTag(Catalog catalog, String collection, String v) {
    try {
      return catalog.version(collection, Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      return catalog.tag(collection, v);
    }
  }

  public static Manifest bySnapshotId(Catalog catalog, String collection, long snapshotId) {
    Manifest current = catalog.current(collection);
    if (current.snapshotId() == snapshotId) {
      return current;
    }
    for (Manifest.HistoryEntry h : current.history()) {
      if (h.snapshotId() == snapshotId) {
        return catalog.version(collection, h.version());
      }
    }
    throw new NoSuchVersionException("Collection " + collection + " has no retained snapshot " + snapshotId);
  }

  /** Epoch milliseconds, ISO-8601 instant, or {@code yyyy-MM-dd HH:mm:ss[.fff]} in the JVM's time zone. */
  public static long parseTimestampMillis(String ts) {
    String t = ts.trim();
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException ignored) {
      // not millis
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // not ISO
    }
    try {
      return Timestamp.valueOf(t).getTime();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read timestamp '" + ts + "': use epoch milliseconds, an ISO-8601 "
          + "instant (2025-01-31T12:00:00Z) or 'yyyy-MM-dd HH:mm:ss'");
    }
  }

  private static String first(QuiverOptions o, String a, String b) {
    return o.get(a) != null ? o.get(a) : o.get(b);
  }

  private static long parseLong(String key, String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option '" + key + "' must be an integer, got '" + v + "'");
    }
  }
}
