package io.quiver.engine.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The schema of a collection: one primary key ({@code INT64} or {@code VARCHAR}), one or more {@code FLOAT_VECTOR}
 * fields, scalar fields, and optionally a dynamic field ({@value #DYNAMIC_FIELD}) that holds undeclared keys as JSON.
 *
 * <p>Immutable and validated on construction. Field ids are assigned 1..n when not given and never reused by
 * {@link #version() later versions}. Field names are unique case-insensitively, as in Milvus.
 */
public final class CollectionSchema {
  /** Name of the dynamic field holding undeclared keys as a JSON object. */
  public static final String DYNAMIC_FIELD = "$meta";

  private final List<FieldSchema> fields;
  private final boolean dynamicField;
  private final int version;
  private final String description;
  private final Map<String, Integer> positions;
  private final int primaryKeyPosition;

  private CollectionSchema(List<FieldSchema> fields, boolean dynamicField, int version, String description) {
    if (fields == null || fields.isEmpty()) {
      throw new ValidationException("<schema>", null, "a schema needs at least a primary key and a vector field");
    }
    if (version < 1) {
      throw new ValidationException("<schema>", version, "schema version must be positive");
    }
    List<FieldSchema> assigned = new ArrayList<>(fields.size());
    Set<Integer> ids = new HashSet<>();
    int nextId = fields.stream().mapToInt(FieldSchema::id).max().orElse(0) + 1;
    Map<String, Integer> pos = new HashMap<>();
    Set<String> lowerNames = new HashSet<>();
    int pk = -1;
    int vectors = 0;
    int partitionKeys = 0;
    for (FieldSchema f : fields) {
      FieldSchema field = f.id() > 0 ? f : f.withId(nextId++);
      if (!ids.add(field.id())) {
        throw new ValidationException(field.name(), field.id(), "duplicate field id");
      }
      if (!lowerNames.add(field.name().toLowerCase(Locale.ROOT))) {
        throw new ValidationException(field.name(), field.name(), "duplicate field name");
      }
      if (field.isPrimaryKey()) {
        if (pk >= 0) {
          throw new ValidationException(field.name(), null,
              "a schema has exactly one primary key, and '" + assigned.get(pk).name() + "' is already one");
        }
        pk = assigned.size();
      }
      if (field.type().isVector()) {
        vectors++;
      }
      if (field.isPartitionKey()) {
        partitionKeys++;
        if (partitionKeys > 1) {
          throw new ValidationException(field.name(), null, "a schema has at most one partition key");
        }
      }
      pos.put(field.name(), assigned.size());
      assigned.add(field);
    }
    if (pk < 0) {
      throw new ValidationException("<schema>", null, "a schema needs one primary key field (INT64 or VARCHAR)");
    }
    if (vectors == 0) {
      throw new ValidationException("<schema>", null, "a schema needs at least one FLOAT_VECTOR field");
    }
    this.fields = Collections.unmodifiableList(assigned);
    this.dynamicField = dynamicField;
    this.version = version;
    this.description = description == null ? "" : description;
    this.positions = Collections.unmodifiableMap(pos);
    this.primaryKeyPosition = pk;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<FieldSchema> fields() {
    return fields;
  }

  public boolean dynamicField() {
    return dynamicField;
  }

  /** Schema version, written into every WAL record header and segment so readers can evolve. */
  public int version() {
    return version;
  }

  public String description() {
    return description;
  }

  public FieldSchema primaryKey() {
    return fields.get(primaryKeyPosition);
  }

  public int primaryKeyPosition() {
    return primaryKeyPosition;
  }

  /** The field called {@code name}, or null. */
  @Nullable
  public FieldSchema field(String name) {
    Integer p = positions.get(name);
    return p == null ? null : fields.get(p);
  }

  /** The field called {@code name}; refuses unknown names with the list of known ones. */
  public FieldSchema requireField(String name) {
    FieldSchema f = field(name);
    if (f == null) {
      throw new ValidationException(name, name, "unknown field; the schema has " + fieldNames());
    }
    return f;
  }

  /** Position of {@code name} in {@link #fields()}, or -1. */
  public int position(String name) {
    Integer p = positions.get(name);
    return p == null ? -1 : p;
  }

  public List<String> fieldNames() {
    List<String> names = new ArrayList<>(fields.size());
    for (FieldSchema f : fields) {
      names.add(f.name());
    }
    return names;
  }

  public List<FieldSchema> vectorFields() {
    List<FieldSchema> out = new ArrayList<>();
    for (FieldSchema f : fields) {
      if (f.type().isVector()) {
        out.add(f);
      }
    }
    return out;
  }

  /** The partition key field, or null. */
  @Nullable
  public FieldSchema partitionKey() {
    for (FieldSchema f : fields) {
      if (f.isPartitionKey()) {
        return f;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CollectionSchema)) {
      return false;
    }
    CollectionSchema s = (CollectionSchema) o;
    return dynamicField == s.dynamicField && version == s.version && fields.equals(s.fields)
        && description.equals(s.description);
  }

  @Override
  public int hashCode() {
    return fields.hashCode() * 31 + version;
  }

  @Override
  public String toString() {
    return "schema v" + version + " " + fields + (dynamicField ? " +dynamic" : "");
  }

  /** Builds a {@link CollectionSchema}. */
  public static final class Builder {
    private final List<FieldSchema> fields = new ArrayList<>();
    private boolean dynamicField;
    private int version = 1;
    private String description;

    public Builder add(FieldSchema field) {
      fields.add(field);
      return this;
    }

    /** Adds an INT64 primary key. */
    public Builder int64PrimaryKey(String name, boolean autoId) {
      return add(FieldSchema.builder(name, DataType.INT64).primaryKey(true).autoId(autoId).build());
    }

    /** Adds a VARCHAR primary key. */
    public Builder varcharPrimaryKey(String name, int maxLength) {
      return add(FieldSchema.builder(name, DataType.VARCHAR).primaryKey(true).maxLength(maxLength).build());
    }

    public Builder vector(String name, int dim, MetricType metric) {
      return add(FieldSchema.vector(name, dim, metric));
    }

    /** Adds a nullable scalar field. */
    public Builder scalar(String name, DataType type) {
      return add(FieldSchema.builder(name, type).nullable(true).build());
    }

    public Builder varchar(String name, int maxLength, boolean nullable) {
      return add(FieldSchema.builder(name, DataType.VARCHAR).maxLength(maxLength).nullable(nullable).build());
    }

    public Builder dynamicField(boolean value) {
      this.dynamicField = value;
      return this;
    }

    public Builder version(int value) {
      this.version = value;
      return this;
    }

    public Builder description(String value) {
      this.description = value;
      return this;
    }

    public CollectionSchema build() {
      return new CollectionSchema(fields, dynamicField, version, description);
    }
  }
}
