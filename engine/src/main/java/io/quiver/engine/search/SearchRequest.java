package io.quiver.engine.search;

import io.quiver.engine.index.SearchOptions;
import io.quiver.engine.index.VectorIndex;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.ValidationException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * One vector search: field, query, top-k with offset, filter, output fields, search knobs, optional range
 * (radius / range filter) and grouping. Build with {@link #builder(String, float[])}; {@link #validate} checks it
 * against a schema before any segment is touched.
 */
public final class SearchRequest {
  /** Largest {@code offset + k}, as Milvus (16,384). */
  public static final int MAX_TOP_K = VectorIndex.MAX_K;

  private final String field;
  private final float[] query;
  private final int k;
  private final int offset;
  @Nullable private final SegmentFilter filter;
  private final List<String> outputFields;
  private final SearchOptions options;
  @Nullable private final MetricType metric;
  @Nullable private final Float radius;
  @Nullable private final Float rangeFilter;
  @Nullable private final String groupBy;
  private final int groupSize;

  private SearchRequest(Builder b) {
    this.field = b.field;
    this.query = b.query;
    this.k = b.k;
    this.offset = b.offset;
    this.filter = b.filter;
    this.outputFields = List.copyOf(b.outputFields);
    this.options = b.options;
    this.metric = b.metric;
    this.radius = b.radius;
    this.rangeFilter = b.rangeFilter;
    this.groupBy = b.groupBy;
    this.groupSize = b.groupSize;
  }

  public static Builder builder(String field, float[] query) {
    return new Builder(field, query);
  }

  public String field() {
    return field;
  }

  public float[] query() {
    return query;
  }

  public int k() {
    return k;
  }

  public int offset() {
    return offset;
  }

  @Nullable
  public SegmentFilter filter() {
    return filter;
  }

  public List<String> outputFields() {
    return outputFields;
  }

  public SearchOptions options() {
    return options;
  }

  @Nullable
  public Float radius() {
    return radius;
  }

  @Nullable
  public Float rangeFilter() {
    return rangeFilter;
  }

  @Nullable
  public String groupBy() {
    return groupBy;
  }

  public int groupSize() {
    return groupSize;
  }

  /** How many hits each segment must return so the merged page is exact. */
  int perSegmentK() {
    return offset + k;
  }

  /**
   * Checks the request against {@code schema}.
   *
   * @return the vector field searched
   * @throws ValidationException naming the parameter, value and reason
   */
  public FieldSchema validate(CollectionSchema schema) {
    FieldSchema f = schema.field(field);
    if (f == null || !f.type().isVector()) {
      throw new ValidationException("anns_field", field, "not a vector field; vector fields: "
          + schema.vectorFields().stream().map(FieldSchema::name).toList());
    }
    if (query == null || query.length != f.dim()) {
      throw new ValidationException(field, query, "query vector has dimension " + (query == null ? 0 : query.length)
          + ", the field is " + f.typeString());
    }
    for (int i = 0; i < query.length; i++) {
      if (!Float.isFinite(query[i])) {
        throw new ValidationException(field, query, "query vector element " + i + " is " + query[i]);
      }
    }
    if (k <= 0 || k > MAX_TOP_K) {
      throw new ValidationException("topk", k, "must be between 1 and " + MAX_TOP_K);
    }
    if (offset < 0 || offset + k > MAX_TOP_K) {
      throw new ValidationException("offset", offset, "offset + topk must be between 1 and " + MAX_TOP_K);
    }
    if (metric != null && metric != f.metric()) {
      throw new ValidationException("metric_type", metric, "field '" + field + "' is indexed with " + f.metric());
    }
    for (String out : outputFields) {
      if (!out.equals("*") && schema.field(out) == null && !(schema.dynamicField())) {
        throw new ValidationException("output_fields", out, "unknown field; the schema has " + schema.fieldNames());
      }
    }
    if (groupBy != null) {
      FieldSchema g = schema.field(groupBy);
      if (g == null || g.type().isVector() || g.type() == io.quiver.engine.schema.DataType.JSON) {
        throw new ValidationException("group_by_field", groupBy, "must be a scalar field other than JSON");
      }
      if (groupSize < 1 || groupSize > 1024) {
        throw new ValidationException("group_size", groupSize, "must be between 1 and 1024");
      }
    }
    return f;
  }

  /** True when {@code distance} lies in the requested range (always true without one). */
  boolean inRange(MetricType m, float distance) {
    if (radius == null) {
      return true;
    }
    if (m.higherIsCloser()) {
      // IP/COSINE: radius < distance <= range_filter
      return distance > radius && (rangeFilter == null || distance <= rangeFilter);
    }
    // L2: range_filter <= distance < radius
    return distance < radius && (rangeFilter == null || distance >= rangeFilter);
  }

  /** Builds a {@link SearchRequest}. */
  public static final class Builder {
    private final String field;
    private final float[] query;
    private int k = 10;
    private int offset;
    private SegmentFilter filter;
    private final List<String> outputFields = new ArrayList<>();
    private SearchOptions options = SearchOptions.DEFAULTS;
    private MetricType metric;
    private Float radius;
    private Float rangeFilter;
    private String groupBy;
    private int groupSize = 1;

    private Builder(String field, float[] query) {
      this.field = field;
      this.query = query;
    }

    public Builder k(int value) {
      this.k = value;
      return this;
    }

    public Builder offset(int value) {
      this.offset = value;
      return this;
    }

    public Builder filter(@Nullable SegmentFilter value) {
      this.filter = value;
      return this;
    }

    public Builder outputFields(List<String> fields) {
      outputFields.addAll(fields);
      return this;
    }

    public Builder options(SearchOptions value) {
      this.options = value;
      return this;
    }

    /** The metric the caller expects; refused when it differs from the field's. */
    public Builder metric(@Nullable MetricType value) {
      this.metric = value;
      return this;
    }

    /** Range search: keep hits farther than... (see Milvus's radius / range_filter semantics per metric). */
    public Builder range(@Nullable Float radiusValue, @Nullable Float rangeFilterValue) {
      this.radius = radiusValue;
      this.rangeFilter = rangeFilterValue;
      return this;
    }

    public Builder groupBy(@Nullable String fieldName, int size) {
      this.groupBy = fieldName;
      this.groupSize = size;
      return this;
    }

    public SearchRequest build() {
      return new SearchRequest(this);
    }
  }
}
