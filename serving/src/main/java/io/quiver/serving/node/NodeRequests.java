package io.quiver.serving.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.UnsafeByteOperations;
import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.search.Predicates;
import io.quiver.engine.search.SearchRequest;
import io.quiver.engine.search.SegmentFilter;
import io.quiver.serving.internal.GetBody;
import io.quiver.serving.internal.NodeField;
import io.quiver.serving.internal.NodeFields;
import io.quiver.serving.internal.QueryBody;
import io.quiver.serving.internal.SearchBody;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The bodies of Quiver's internal node requests ({@code SearchBody}, {@code QueryBody}, {@code GetBody}: {@link
 * Search}, {@link Query}, {@link Get}) and the fields of the rows and hits that come back ({@code NodeField}: each
 * value in its field's own type, vectors as little-endian float bytes, keys of the dynamic field as JSON). One place,
 * used by the proxy and the node. Template parameters travel as JSON (numbers, strings, lists).
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

    /** The message the proxy sends. */
    public QueryBody toProto() {
      QueryBody.Builder b = QueryBody.newBuilder().addAllOutput(output).setLimit(limit).setOffset(offset);
      if (filter != null) {
        b.setFilter(filter);
      }
      if (params != null && !params.isEmpty()) {
        b.setParamsJson(encode(params));
      }
      return b.build();
    }

    /** The query a node received. */
    @SuppressWarnings("unchecked")
    public static Query fromProto(QueryBody b) {
      return new Query(b.hasFilter() ? b.getFilter() : null,
          b.getParamsJson().isEmpty() ? Map.of() : decode(b.getParamsJson(), Map.class), b.getOutputList(),
          b.getLimit(), b.getOffset());
    }
  }

  /** Rows by primary key (Long or String keys). */
  public record Get(List<Object> pks, List<String> output) {
    public GetBody toProto() {
      GetBody.Builder b = GetBody.newBuilder().addAllOutput(output);
      for (Object pk : pks) {
        if (pk instanceof String str) {
          b.addStrPks(str);
        } else {
          b.addIntPks(((Number) pk).longValue());
        }
      }
      return b.build();
    }

    public static Get fromProto(GetBody b) {
      List<Object> pks = new ArrayList<>(b.getIntPksCount() + b.getStrPksCount());
      pks.addAll(b.getIntPksList());
      pks.addAll(b.getStrPksList());
      return new Get(pks, b.getOutputList());
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

  /**
   * A row's or hit's fields as they travel, each in its field's type under {@code schema} (keys of the dynamic field
   * as JSON), less {@code skip} (a hit's primary key, which travels on its own; null: none).
   */
  public static List<NodeField> toFields(Map<String, Object> fields, CollectionSchema schema, @Nullable String skip) {
    List<NodeField> out = new ArrayList<>(fields.size());
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!e.getKey().equals(skip)) {
        out.add(field(e.getKey(), schema.field(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  /** A query or get answer's row, every field in its type (see {@link #toFields}). */
  public static NodeFields toRow(Map<String, Object> row, CollectionSchema schema) {
    return NodeFields.newBuilder().addAllFields(toFields(row, schema, null)).build();
  }

  private static NodeField field(String name, @Nullable FieldSchema f, @Nullable Object v) {
    NodeField.Builder b = NodeField.newBuilder().setName(name);
    if (v == null) {
      return b.setNullValue(true).build();
    }
    if (f == null) {
      return b.setDynamicJson(encode(v)).build();
    }
    switch (f.type()) {
      case BOOL -> b.setBoolValue((Boolean) v);
      case INT32 -> b.setIntValue(((Number) v).intValue());
      case INT64 -> b.setLongValue(((Number) v).longValue());
      case FLOAT -> b.setFloatValue(((Number) v).floatValue());
      case DOUBLE -> b.setDoubleValue(((Number) v).doubleValue());
      case FLOAT_VECTOR -> {
        float[] vec = (float[]) v;
        ByteBuffer bytes = ByteBuffer.allocate(vec.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vec);
        b.setFloatVector(UnsafeByteOperations.unsafeWrap(bytes.array()));
      }
      default -> b.setText(v instanceof String text ? text : encode(v)); // VARCHAR, JSON
    }
    return b.build();
  }

  /**
   * A hit's fields: its primary key under {@code schema}'s key name (it travels outside the fields, see {@link
   * #toFields}), then {@code fields}.
   */
  public static Map<String, Object> hitFields(Object pk, List<NodeField> fields, CollectionSchema schema) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(schema.primaryKey().name(), pk);
    return decodeInto(out, fields);
  }

  /** Fields back in the engine's types: vectors as {@code float[]}, INT64 as Long, and so on. */
  public static Map<String, Object> fields(List<NodeField> fields) {
    return decodeInto(new LinkedHashMap<>(), fields);
  }

  private static Map<String, Object> decodeInto(Map<String, Object> out, List<NodeField> fields) {
    for (NodeField f : fields) {
      out.put(f.getName(), value(f));
    }
    return out;
  }

  @Nullable
  private static Object value(NodeField f) {
    return switch (f.getValueCase()) {
      case BOOL_VALUE -> f.getBoolValue();
      case INT_VALUE -> f.getIntValue();
      case LONG_VALUE -> f.getLongValue();
      case FLOAT_VALUE -> f.getFloatValue();
      case DOUBLE_VALUE -> f.getDoubleValue();
      case TEXT -> f.getText();
      case FLOAT_VECTOR -> {
        float[] a = new float[f.getFloatVector().size() / Float.BYTES];
        f.getFloatVector().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        yield a;
      }
      case DYNAMIC_JSON -> {
        try {
          yield JSON.readValue(f.getDynamicJson(), Object.class);
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("Corrupt node answer: field " + f.getName() + ": " + e.getOriginalMessage(),
              e);
        }
      }
      case NULL_VALUE, VALUE_NOT_SET -> null;
    };
  }
}
