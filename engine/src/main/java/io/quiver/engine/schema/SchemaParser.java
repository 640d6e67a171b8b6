package io.quiver.engine.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * Reads and writes a {@link CollectionSchema} as JSON (inside manifests):
 *
 * <pre>{"version":1,"dynamic-field":false,"description":"","fields":[
 *   {"id":1,"name":"id","type":"INT64","primary-key":true,"auto-id":false},
 *   {"id":2,"name":"emb","type":"FLOAT_VECTOR","dim":128,"metric":"L2"},
 *   {"id":3,"name":"title","type":"VARCHAR","max-length":256,"nullable":true,"default":"n/a"}]}</pre>
 */
public final class SchemaParser {
  private SchemaParser() {}

  public static ObjectNode toJson(CollectionSchema schema) {
    ObjectNode root = Values.JSON.createObjectNode();
    root.put("version", schema.version());
    root.put("dynamic-field", schema.dynamicField());
    root.put("description", schema.description());
    ArrayNode fields = root.putArray("fields");
    for (FieldSchema f : schema.fields()) {
      ObjectNode n = fields.addObject();
      n.put("id", f.id());
      n.put("name", f.name());
      n.put("type", f.type().name());
      if (f.isPrimaryKey()) {
        n.put("primary-key", true);
        n.put("auto-id", f.isAutoId());
      }
      if (f.isNullable()) {
        n.put("nullable", true);
      }
      if (f.isPartitionKey()) {
        n.put("partition-key", true);
      }
      if (f.maxLength() > 0) {
        n.put("max-length", f.maxLength());
      }
      if (f.dim() > 0) {
        n.put("dim", f.dim());
        n.put("metric", f.metric().name());
      }
      if (f.defaultValue() != null) {
        n.put("default", valueToJson(f.defaultValue()));
      }
      if (!f.description().isEmpty()) {
        n.put("description", f.description());
      }
    }
    return root;
  }

  public static CollectionSchema fromJson(JsonNode root) {
    CollectionSchema.Builder b = CollectionSchema.builder()
        .version(root.path("version").asInt(1))
        .dynamicField(root.path("dynamic-field").asBoolean(false))
        .description(root.path("description").asText(""));
    for (Iterator<JsonNode> it = root.path("fields").elements(); it.hasNext(); ) {
      JsonNode n = it.next();
      DataType type = DataType.parse(n.path("type").asText());
      FieldSchema.Builder f = FieldSchema.builder(n.path("name").asText(null), type)
          .id(n.path("id").asInt(0))
          .primaryKey(n.path("primary-key").asBoolean(false))
          .autoId(n.path("auto-id").asBoolean(false))
          .nullable(n.path("nullable").asBoolean(false))
          .partitionKey(n.path("partition-key").asBoolean(false))
          .maxLength(n.path("max-length").asInt(0))
          .dim(n.path("dim").asInt(0))
          .description(n.path("description").asText(""));
      if (n.has("metric")) {
        f.metric(MetricType.parse(n.get("metric").asText()));
      }
      if (n.has("default")) {
        f.defaultValue(valueFromJson(type, n.get("default").asText()));
      }
      b.add(f.build());
    }
    return b.build();
  }

  /** A default value as JSON text (strings quoted), so every type round-trips through one string. */
  static String valueToJson(Object value) {
    try {
      return Values.JSON.writeValueAsString(value instanceof String ? value : Values.JSON.valueToTree(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Object valueFromJson(DataType type, String json) {
    try {
      JsonNode n = Values.JSON.readTree(json);
      switch (type) {
        case BOOL:
          return n.booleanValue();
        case INT32:
          return n.intValue();
        case INT64:
          return n.longValue();
        case FLOAT:
          return n.floatValue();
        case DOUBLE:
          return n.doubleValue();
        case VARCHAR:
          return n.textValue();
        case JSON:
          return n.isTextual() ? n.textValue() : Values.JSON.writeValueAsString(n);
        default:
          throw new IllegalArgumentException("No default values for " + type);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Bad default value '" + json + "' for " + type + ": " + e.getMessage(), e);
    }
  }
}
