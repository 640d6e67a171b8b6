package io.quiver.engine.schema;

import java.util.Objects;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * One field of a collection schema. Immutable; build with {@link #builder(String, DataType)}.
 *
 * <p>Constraints are checked when the field is built: a name of letters, digits and underscores (not starting with a
 * digit, at most 255 characters), a positive {@code dim} and a metric on vector fields, a {@code maxLength} between 1
 * and 65,535 (UTF-8 bytes) on VARCHAR, a default value of the field's type.
 */
public final class FieldSchema {
  public static final int MAX_DIM = 32_768;
  public static final int MAX_VARCHAR_LENGTH = 65_535;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

  private final int id;
  private final String name;
  private final DataType type;
  private final boolean primaryKey;
  private final boolean autoId;
  private final boolean nullable;
  private final boolean partitionKey;
  @Nullable private final Object defaultValue;
  private final int maxLength;
  private final int dim;
  @Nullable private final MetricType metric;
  private final String description;

  private FieldSchema(Builder b) {
    this.id = b.id;
    this.name = b.name;
    this.type = b.type;
    this.primaryKey = b.primaryKey;
    this.autoId = b.autoId;
    this.nullable = b.nullable;
    this.partitionKey = b.partitionKey;
    this.maxLength = b.maxLength;
    this.dim = b.dim;
    this.metric = b.metric;
    this.description = b.description == null ? "" : b.description;
    this.defaultValue = b.defaultValue == null ? null : Values.normalize(this, b.defaultValue);
  }

  public static Builder builder(String name, DataType type) {
    return new Builder(name, type);
  }

  /** A vector field: {@code FLOAT_VECTOR(dim)} compared with {@code metric}. */
  public static FieldSchema vector(String name, int dim, MetricType metric) {
    return builder(name, DataType.FLOAT_VECTOR).dim(dim).metric(metric).build();
  }

  /** Field id, unique in a schema and never reused; 0 until the schema assigns one. */
  public int id() {
    return id;
  }

  public String name() {
    return name;
  }

  public DataType type() {
    return type;
  }

  public boolean isPrimaryKey() {
    return primaryKey;
  }

  public boolean isAutoId() {
    return autoId;
  }

  public boolean isNullable() {
    return nullable;
  }

  public boolean isPartitionKey() {
    return partitionKey;
  }

  @Nullable
  public Object defaultValue() {
    return defaultValue;
  }

  /** Max UTF-8 bytes of a VARCHAR value; 0 for other types. */
  public int maxLength() {
    return maxLength;
  }

  /** Dimension of a vector field; 0 for scalars. */
  public int dim() {
    return dim;
  }

  /** Metric of a vector field; null for scalars. */
  @Nullable
  public MetricType metric() {
    return metric;
  }

  public String description() {
    return description;
  }

  /** A copy with the given id. */
  public FieldSchema withId(int newId) {
    return toBuilder().id(newId).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, type);
    b.id = id;
    b.primaryKey = primaryKey;
    b.autoId = autoId;
    b.nullable = nullable;
    b.partitionKey = partitionKey;
    b.defaultValue = defaultValue;
    b.maxLength = maxLength;
    b.dim = dim;
    b.metric = metric;
    b.description = description;
    return b;
  }

  /** {@code FLOAT_VECTOR(128)}, {@code VARCHAR(64)}, {@code INT64}. */
  public String typeString() {
    switch (type) {
      case FLOAT_VECTOR:
        return "FLOAT_VECTOR(" + dim + ")";
      case VARCHAR:
        return "VARCHAR(" + maxLength + ")";
      default:
        return type.name();
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FieldSchema)) {
      return false;
    }
    FieldSchema f = (FieldSchema) o;
    return id == f.id && primaryKey == f.primaryKey && autoId == f.autoId && nullable == f.nullable
        && partitionKey == f.partitionKey && maxLength == f.maxLength && dim == f.dim && name.equals(f.name)
        && type == f.type && Objects.equals(defaultValue, f.defaultValue) && metric == f.metric
        && description.equals(f.description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, type, primaryKey, autoId, nullable, partitionKey, defaultValue, maxLength, dim, metric);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(name).append(' ').append(typeString());
    if (primaryKey) {
      s.append(autoId ? " PRIMARY KEY AUTO_ID" : " PRIMARY KEY");
    }
    if (metric != null) {
      s.append(' ').append(metric);
    }
    if (!nullable && !primaryKey && !type.isVector()) {
      s.append(" NOT NULL");
    }
    if (partitionKey) {
      s.append(" PARTITION KEY");
    }
    if (defaultValue != null) {
      s.append(" DEFAULT ").append(defaultValue);
    }
    return s.toString();
  }

  /** Builds a {@link FieldSchema}; {@link #build()} validates. */
  public static final class Builder {
    private int id;
    private final String name;
    private final DataType type;
    private boolean primaryKey;
    private boolean autoId;
    private boolean nullable;
    private boolean partitionKey;
    private Object defaultValue;
    private int maxLength;
    private int dim;
    private MetricType metric;
    private String description;

    private Builder(String name, DataType type) {
      this.name = name;
      this.type = type;
    }

    public Builder id(int value) {
      this.id = value;
      return this;
    }

    public Builder primaryKey(boolean value) {
      this.primaryKey = value;
      return this;
    }

    public Builder autoId(boolean value) {
      this.autoId = value;
      return this;
    }

    public Builder nullable(boolean value) {
      this.nullable = value;
      return this;
    }

    public Builder partitionKey(boolean value) {
      this.partitionKey = value;
      return this;
    }

    public Builder defaultValue(@Nullable Object value) {
      this.defaultValue = value;
      return this;
    }

    public Builder maxLength(int value) {
      this.maxLength = value;
      return this;
    }

    public Builder dim(int value) {
      this.dim = value;
      return this;
    }

    public Builder metric(@Nullable MetricType value) {
      this.metric = value;
      return this;
    }

    public Builder description(@Nullable String value) {
      this.description = value;
      return this;
    }

    public FieldSchema build() {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new ValidationException(String.valueOf(name), name,
            "field names are 1-255 letters, digits or underscores and must not start with a digit");
      }
      if (name.startsWith("__")) {
        throw new ValidationException(name, name, "names starting with '__' are reserved for Quiver's system columns");
      }
      if (type == null) {
        throw new ValidationException(name, null, "a field needs a data type");
      }
      if (type.isVector()) {
        if (dim <= 0 || dim > MAX_DIM) {
          throw new ValidationException(name, dim, "FLOAT_VECTOR dimension must be between 1 and " + MAX_DIM);
        }
        if (metric == null) {
          throw new ValidationException(name, null, "a vector field needs a metric (L2, IP or COSINE)");
        }
        if (nullable || primaryKey || partitionKey || defaultValue != null) {
          throw new ValidationException(name, null,
              "a vector field cannot be nullable, a primary key, a partition key or have a default value");
        }
      } else {
        if (dim != 0 || metric != null) {
          throw new ValidationException(name, dim, "only FLOAT_VECTOR fields have a dimension and a metric");
        }
      }
      if (type == DataType.VARCHAR) {
        if (maxLength <= 0 || maxLength > MAX_VARCHAR_LENGTH) {
          throw new ValidationException(name, maxLength, "VARCHAR max_length must be between 1 and " + MAX_VARCHAR_LENGTH);
        }
      } else if (maxLength != 0) {
        throw new ValidationException(name, maxLength, "only VARCHAR fields have a max_length");
      }
      if (primaryKey) {
        if (type != DataType.INT64 && type != DataType.VARCHAR) {
          throw new ValidationException(name, type, "the primary key must be INT64 or VARCHAR");
        }
        if (nullable || defaultValue != null) {
          throw new ValidationException(name, null, "the primary key cannot be nullable or have a default value");
        }
        if (autoId && type != DataType.INT64) {
          throw new ValidationException(name, type, "auto id needs an INT64 primary key");
        }
      } else if (autoId) {
        throw new ValidationException(name, null, "only the primary key can be auto id");
      }
      if (partitionKey && type != DataType.INT64 && type != DataType.VARCHAR) {
        throw new ValidationException(name, type, "a partition key must be INT64 or VARCHAR");
      }
      return new FieldSchema(this);
    }
  }
}
