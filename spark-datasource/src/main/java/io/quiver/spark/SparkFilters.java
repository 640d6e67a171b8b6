package io.quiver.spark;

import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.Filters;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.IsNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * Translates Spark's data source filters into Quiver's filter tree: the one place that knows both. Both sides use
 * SQL three-valued logic, so a translated filter selects the same rows. What cannot be translated (JSON and vector
 * columns, nested fields, dates, unknown filter kinds) returns null and stays with Spark.
 *
 * <p>Comparisons on FLOAT/DOUBLE columns are translated (segments and rows are pruned by them) but not
 * {@linkplain #isExact exact}: Spark orders NaN above every number and Quiver makes NaN comparisons false, so Spark
 * re-checks them.
 */
public final class SparkFilters {
  private SparkFilters() {}

  /** The Quiver filter for {@code f}, or null when it cannot be translated. */
  @Nullable
  public static Filter translate(org.apache.spark.sql.sources.Filter f, CollectionSchema schema) {
    if (f instanceof And) {
      Filter l = translate(((And) f).left(), schema);
      Filter r = translate(((And) f).right(), schema);
      return l == null || r == null ? null : Filters.and(l, r);
    } else if (f instanceof Or) {
      Filter l = translate(((Or) f).left(), schema);
      Filter r = translate(((Or) f).right(), schema);
      return l == null || r == null ? null : Filters.or(l, r);
    } else if (f instanceof Not) {
      Filter c = translate(((Not) f).child(), schema);
      return c == null ? null : Filters.not(c);
    } else if (f instanceof EqualTo) {
      EqualTo e = (EqualTo) f;
      return compare(schema, e.attribute(), e.value(), "==");
    } else if (f instanceof EqualNullSafe) {
      EqualNullSafe e = (EqualNullSafe) f;
      if (!usable(schema, e.attribute())) {
        return null;
      }
      if (e.value() == null) {
        return Filters.isNull(e.attribute());
      }
      Filter eq = compare(schema, e.attribute(), e.value(), "==");
      // a <=> v is never NULL: false (not UNKNOWN) when a is null, so NOT(a <=> v) keeps null rows.
      return eq == null ? null : Filters.and(Filters.isNotNull(e.attribute()), eq);
    } else if (f instanceof GreaterThan) {
      return compare(schema, ((GreaterThan) f).attribute(), ((GreaterThan) f).value(), ">");
    } else if (f instanceof GreaterThanOrEqual) {
      return compare(schema, ((GreaterThanOrEqual) f).attribute(), ((GreaterThanOrEqual) f).value(), ">=");
    } else if (f instanceof LessThan) {
      return compare(schema, ((LessThan) f).attribute(), ((LessThan) f).value(), "<");
    } else if (f instanceof LessThanOrEqual) {
      return compare(schema, ((LessThanOrEqual) f).attribute(), ((LessThanOrEqual) f).value(), "<=");
    } else if (f instanceof In) {
      In in = (In) f;
      if (!usable(schema, in.attribute())) {
        return null;
      }
      List<Object> values = new ArrayList<>();
      boolean hasNull = false;
      for (Object v : in.values()) {
        if (v == null) {
          hasNull = true;
        } else if (literal(v) == null) {
          return null;
        } else {
          values.add(literal(v));
        }
      }
      if (hasNull || values.isEmpty()) {
        return null; // x IN (.., NULL) is UNKNOWN for misses; leave these rare forms to Spark
      }
      return Filters.in(in.attribute(), values);
    } else if (f instanceof IsNull) {
      return usable(schema, ((IsNull) f).attribute()) ? Filters.isNull(((IsNull) f).attribute()) : null;
    } else if (f instanceof IsNotNull) {
      return usable(schema, ((IsNotNull) f).attribute()) ? Filters.isNotNull(((IsNotNull) f).attribute()) : null;
    } else if (f instanceof StringStartsWith) {
      StringStartsWith s = (StringStartsWith) f;
      return varchar(schema, s.attribute()) ? Filters.startsWith(s.attribute(), s.value()) : null;
    } else if (f instanceof StringEndsWith) {
      StringEndsWith s = (StringEndsWith) f;
      return varchar(schema, s.attribute()) ? Filters.endsWith(s.attribute(), s.value()) : null;
    } else if (f instanceof StringContains) {
      StringContains s = (StringContains) f;
      return varchar(schema, s.attribute()) ? Filters.containsString(s.attribute(), s.value()) : null;
    }
    return null;
  }

  /** True when Quiver's evaluation equals Spark's for {@code f} (no FLOAT/DOUBLE column involved). */
  public static boolean isExact(org.apache.spark.sql.sources.Filter f, CollectionSchema schema) {
    for (String ref : f.references()) {
      FieldSchema field = schema.field(ref);
      if (field == null || field.type() == DataType.FLOAT || field.type() == DataType.DOUBLE) {
        return false;
      }
    }
    return true;
  }

  @Nullable
  private static Filter compare(CollectionSchema schema, String attr, Object value, String op) {
    Object v = literal(value);
    if (!usable(schema, attr) || v == null) {
      return null;
    }
    switch (op) {
      case "==":
        return Filters.eq(attr, v);
      case ">":
        return Filters.gt(attr, v);
      case ">=":
        return Filters.ge(attr, v);
      case "<":
        return Filters.lt(attr, v);
      default:
        return Filters.le(attr, v);
    }
  }

  /** A declared scalar field other than JSON, referenced without nesting. */
  private static boolean usable(CollectionSchema schema, String attr) {
    FieldSchema f = schema.field(attr);
    return f != null && !f.type().isVector() && f.type() != DataType.JSON;
  }

  private static boolean varchar(CollectionSchema schema, String attr) {
    FieldSchema f = schema.field(attr);
    return f != null && f.type() == DataType.VARCHAR;
  }

  @Nullable
  private static Object literal(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof Double || v instanceof String || v instanceof Boolean) {
      return v;
    }
    return null;
  }

  /** A readable list of Spark filters for plans. */
  public static String describe(org.apache.spark.sql.sources.Filter[] filters) {
    return Arrays.toString(filters);
  }
}
