package io.quiver.serving.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.SegmentFilter;
import io.quiver.serving.internal.SearchBody;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The bodies of Quiver's internal node requests, and the conversion of values that travel as JSON (vectors as
 * arrays, JSON fields as text) back to the engine's Java types. One place, used by the proxy (encode) and the node
 * (decode).
 *
 * <p>Search: the {@code SearchBody} message ({@link Search#toProto}, {@link Search#fromProto}); query body (JSON):
 * {@code {filter, params, output, limit, offset}}; get body (JSON): {@code {pks, output}}.
 */
public final class NodeRequests {
  public static final ObjectMapper JSON = new ObjectMapper();

  private NodeRequests() {}

  /** A search, as the proxy describes it. */
  public record Search(String field, float[] vector, int k, int offset, @Nullable String filter,
      Map<String, Object> params, List<String> output, @Nullable Integer ef, @Nullable Float radius,
      @Nullable Float rangeFilter, @Nullable String groupBy, int groupSize) {

    /** The engine request, the filter bound against {@code schema}. */
    public SearchRequest toEngine(CollectionSchema schema) {
      SegmentFilter f = Predicates.parse(filter, schema, params);
      SearchRequest.Builder b = SearchRequest.builder(field, vector).k(k).offset(offset).filter(f).outputFields(output)
          .range(radius, rangeFilter).groupBy(groupBy, groupSize);
      if (ef != null) {
        b.options(SearchOptions.width(ef));
      }
      return b.build();
    }

    /** The message the proxy sends. */
    public SearchBody toProto() {
      SearchBody.Builder b = SearchBody.newBuilder().setField(field).setK(k).setOffset(offset).addAllOutput(output)
          .setGroupSize(groupSize);
      for (float f : vector) {
        b.addVector(f);
      }
      if (filter != null) {
        b.setFilter(filter);
      }
      if (params != null && !params.isEmpty()) {
        b.setParamsJson(encode(params));
      }
      if (ef != null) {
        b.setEf(ef);
      }
      if (radius != null) {
        b.setRadius(radius);
      }
      if (rangeFilter != null) {
        b.setRangeFilter(rangeFilter);
      }
      if (groupBy != null) {
        b.setGroupBy(groupBy);
      }
      return b.build();
    }

    /** The search a node received. */
    @SuppressWarnings("unchecked")
    public static Search fromProto(SearchBody b) {
      float[] v = new float[b.getVectorCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = b.getVector(i);
      }
      Map<String, Object> params = b.getParamsJson().isEmpty() ? Map.of() : decode(b.getParamsJson(), Map.class);
      return new Search(b.getField(), v, b.getK(), b.getOffset(), b.hasFilter() ? b.getFilter() : null, params,
          b.getOutputList(), b.hasEf() ? b.getEf() : null, b.hasRadius() ? b.getRadius() : null,
          b.hasRangeFilter() ? b.getRangeFilter() : null, b.hasGroupBy() ? b.getGroupBy() : null, b.getGroupSize());
    }
  }

  /** A query (filter → rows ordered by primary key) or a count. */
  public record Query(@Nullable String filter, Map<String, Object> params, List<String> output, long limit,
      long offset) {
    public SegmentFilter filter(CollectionSchema schema) {
      return Predicates.parse(filter, schema, params);
    }
  }

  public static String encode(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode a node request: " + e.getMessage(), e);
    }
  }

  public static <T> T decode(String body, Class<T> type) {
    try {
      return JSON.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Bad node request body: " + e.getOriginalMessage(), e);
    }
  }

  /** A row or hit's fields as JSON (vectors as arrays); empty when there are none. */
  public static String fieldsJson(Map<String, Object> fields) {
    return fields.isEmpty() ? "" : encode(fields);
  }

  /** {@link #fieldsJson} of {@code fields} less {@code key} (a hit's primary key, which travels on its own). */
  public static String fieldsJsonWithout(Map<String, Object> fields, @Nullable String key) {
    if (key == null || !fields.containsKey(key)) {
      return fieldsJson(fields);
    }
    if (fields.size() == 1) {
      return "";
    }
    Map<String, Object> rest = new LinkedHashMap<>(fields);
    rest.remove(key);
    return encode(rest);
  }

  /**
   * A hit's fields: its primary key under {@code schema}'s key name (it travels outside the JSON, see
   * {@link #fieldsJsonWithout}), then the fields of {@code json}.
   */
  public static Map<String, Object> hitFields(Object pk, String json, CollectionSchema schema) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(schema.primaryKey().name(), pk);
    return decodeInto(out, json, schema);
  }

  /** Fields decoded back to the engine's types: vectors to {@code float[]}, INT64 to Long, and so on. */
  public static Map<String, Object> fields(String json, CollectionSchema schema) {
    return decodeInto(new LinkedHashMap<>(), json, schema);
  }

  private static Map<String, Object> decodeInto(Map<String, Object> out, String json, CollectionSchema schema) {
    if (json.isEmpty()) {
      return out;
    }
    try {
      JsonNode n = JSON.readTree(json);
      n.fields().forEachRemaining(e -> out.put(e.getKey(), value(schema.field(e.getKey()), e.getValue())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt node answer: " + e.getOriginalMessage(), e);
    }
    return out;
  }

  @Nullable
  static Object value(@Nullable FieldSchema f, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (f == null) {
      return JSON.convertValue(v, Object.class); // dynamic field value
    }
    switch (f.type()) {
      case BOOL:
        return v.asBoolean();
      case INT32:
        return v.asInt();
      case INT64:
        return v.asLong();
      case FLOAT:
        return (float) v.asDouble();
      case DOUBLE:
        return v.asDouble();
      case FLOAT_VECTOR: {
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) v.get(i).asDouble();
        }
        return a;
      }
      default:
        return v.asText();
    }
  }

  /** Template parameters as plain JSON-friendly values. */
  public static Map<String, Object> params(@Nullable Map<String, Object> p) {
    return p == null ? Map.of() : p;
  }

  static ArrayNode array(List<?> values) {
    return JSON.valueToTree(values == null ? new ArrayList<>() : values);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
