package io.quiver.engine.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.io.ChecksummedJson;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * What a segment holds, written beside its data as {@value SegmentFiles#STATS_FILE} and copied into the manifest so
 * planners prune without opening files.
 *
 * @param segmentId the segment's directory name
 * @param schemaVersion the schema version the rows were written with
 * @param partition the partition every row belongs to
 * @param shard the WAL shard, or -1 for rows that came from no shard (bulk imports of several shards' keys)
 * @param rowCount number of rows (including rows that later deletes hide)
 * @param firstOffset lowest WAL offset of a row, or -1 when the rows carry no offsets
 * @param lastOffset highest WAL offset of a row, or -1
 * @param dataBytes length of {@value SegmentFiles#DATA_FILE}, checked on read
 * @param fields per scalar field (by name): min, max, null count; the primary key's min/max prune lookups
 */
public record SegmentStats(
    String segmentId,
    int schemaVersion,
    String partition,
    int shard,
    long rowCount,
    long firstOffset,
    long lastOffset,
    long dataBytes,
    Map<String, FieldStats> fields) implements java.io.Serializable {
  static final String FORMAT = "quiver-segment-stats";
  static final int FORMAT_VERSION = 1;

  public SegmentStats {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  @Nullable
  public FieldStats field(String name) {
    return fields.get(name);
  }

  public ObjectNode toJson() {
    ObjectNode n = ChecksummedJson.MAPPER.createObjectNode();
    n.put("segment-id", segmentId);
    n.put("schema-version", schemaVersion);
    n.put("partition", partition);
    n.put("shard", shard);
    n.put("row-count", rowCount);
    n.put("first-offset", firstOffset);
    n.put("last-offset", lastOffset);
    n.put("data-bytes", dataBytes);
    ObjectNode fs = n.putObject("fields");
    for (Map.Entry<String, FieldStats> e : fields.entrySet()) {
      ObjectNode f = fs.putObject(e.getKey());
      f.set("min", ChecksummedJson.MAPPER.valueToTree(e.getValue().min()));
      f.set("max", ChecksummedJson.MAPPER.valueToTree(e.getValue().max()));
      f.put("null-count", e.getValue().nullCount());
    }
    return n;
  }

  /** Reads stats written by {@link #toJson()}, typing min/max by the schema's fields. */
  public static SegmentStats fromJson(JsonNode n, CollectionSchema schema) {
    Map<String, FieldStats> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("fields").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      FieldSchema f = schema.field(e.getKey());
      DataType type = f == null ? DataType.VARCHAR : f.type();
      JsonNode fn = e.getValue();
      fields.put(e.getKey(), new FieldStats(value(type, fn.get("min")), value(type, fn.get("max")),
          fn.path("null-count").asLong()));
    }
    return new SegmentStats(n.path("segment-id").asText(), n.path("schema-version").asInt(1),
        n.path("partition").asText(), n.path("shard").asInt(-1), n.path("row-count").asLong(),
        n.path("first-offset").asLong(-1), n.path("last-offset").asLong(-1), n.path("data-bytes").asLong(),
        fields);
  }

  @Nullable
  private static Object value(DataType type, @Nullable JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    switch (type) {
      case BOOL:
        return v.booleanValue();
      case INT32:
        return v.intValue();
      case INT64:
        return v.longValue();
      case FLOAT:
        return v.floatValue();
      case DOUBLE:
        return v.doubleValue();
      default:
        return v.asText();
    }
  }

  /** The stats file bytes (checksummed envelope). */
  public byte[] toBytes() {
    return ChecksummedJson.write(FORMAT, FORMAT_VERSION, toJson());
  }

  public static SegmentStats fromBytes(byte[] bytes, String file, CollectionSchema schema) {
    return fromJson(ChecksummedJson.read(bytes, file, FORMAT, FORMAT_VERSION), schema);
  }
}
