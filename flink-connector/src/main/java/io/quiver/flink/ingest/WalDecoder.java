package io.quiver.flink.ingest;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.RowUpgrade;
import io.quiver.engine.schema.ValidationException;
import io.quiver.engine.wal.Sharding;
import io.quiver.engine.wal.WalCodec;
import io.quiver.engine.wal.WalDecodeException;
import io.quiver.engine.wal.WalRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes WAL records for the ingestion job and checks them: a record of an older schema version is converted to the
 * current one when the evolution allows it ({@link RowUpgrade}), and the record's Kafka key must be its primary key's
 * bytes (otherwise its shard may be wrong). Whatever fails throws a {@link WalDecodeException} whose message is the
 * dead letter's reason. Not thread-safe (its codec).
 */
final class WalDecoder {
  private final CollectionSchema schema;
  private final WalCodec codec;
  private final Map<Integer, CollectionSchema> previous = new HashMap<>();
  /** Conversions from older schema versions (a String value: why that version cannot be converted). */
  private final Map<Integer, Object> upgrades = new HashMap<>();

  WalDecoder(CollectionSchema schema, List<CollectionSchema> previousSchemas) {
    this.schema = schema;
    this.codec = new WalCodec(schema, previousSchemas);
    previousSchemas.forEach(old -> previous.put(old.version(), old));
  }

  /**
   * The record whose key is {@code buf[keyStart, keyStart + keyLength)} (a negative length: no key) and whose value is
   * {@code buf[off, off + len)}, as a record of the current schema version.
   */
  WalRecord decode(byte[] buf, int keyStart, int keyLength, int off, int len) {
    WalRecord r;
    try {
      r = codec.decode(buf, off, len);
      if (r.schemaVersion() != schema.version()) {
        r = upgrade(r);
      }
    } catch (ValidationException e) {
      throw new WalDecodeException(e.getMessage());
    }
    if (keyLength < 0 || !Sharding.isKeyOf(r.pk(), buf, keyStart, keyLength)) {
      throw new WalDecodeException("the record key is not the primary key's bytes (pk " + r.pk()
          + "), so its shard may be wrong");
    }
    return r;
  }

  private WalRecord upgrade(WalRecord r) {
    Object u = upgrades.computeIfAbsent(r.schemaVersion(), v -> {
      try {
        return RowUpgrade.of(previous.get(v), schema);
      } catch (ValidationException ex) {
        return "schema version " + v + " cannot be converted to the collection's current version "
            + schema.version() + ": " + ex.getMessage();
      }
    });
    if (u instanceof String) {
      throw new WalDecodeException((String) u);
    }
    return r.row() == null
        ? WalRecord.delete(schema.version(), r.partition(), r.pk())
        : new WalRecord(r.op(), schema.version(), r.partition(), r.pk(), ((RowUpgrade) u).apply(r.row()));
  }
}
