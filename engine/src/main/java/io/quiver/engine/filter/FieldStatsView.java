package io.quiver.engine.filter;

import javax.annotation.Nullable;

/**
 * Per-field statistics of one segment, for {@link BoundFilter#mightMatch}. Values are in the field's Java type
 * (Integer/Long, Float/Double, String, Boolean); strings are ordered by code point (UTF-8 byte order).
 *
 * <p>Min and max cover the non-null values; floating-point min/max may leave NaN out (as Parquet does), and the pruner
 * never relies on NaN being covered. A null min or max means "unknown", never "no values".
 */
public interface FieldStatsView {
  /** Smallest non-null value of the field, or null when unknown. */
  @Nullable
  Object min(String field);

  /** Largest non-null value of the field, or null when unknown. */
  @Nullable
  Object max(String field);

  /** Number of null values of the field; {@link #rowCount()} when the segment has no such column. */
  long nullCount(String field);

  /** Number of rows in the segment. */
  long rowCount();
}
