package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.util.Text;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.RoaringBitmapWriter;

/**
 * Evaluates a bound filter over one segment's columns, one predicate at a time: each leaf is a tight loop over an
 * Arrow vector (or a materialized operand) that appends to bitmaps, and {@code and}/{@code or}/{@code not} combine
 * bitmaps. Three-valued logic is kept as two bitmaps per node, TRUE rows and FALSE rows (the rest are UNKNOWN); the
 * FALSE bitmap is only computed under a {@code not}, where it becomes the TRUE side.
 *
 * <p>JSON columns are parsed once per row per evaluation: the first predicate that reads a JSON column extracts every
 * path the filter uses on it, and later predicates read those extracted values.
 */
final class ColumnEvaluator {
  private final BoundFilter filter;
  private final FilterColumns columns;
  private final int rows;
  private final Map<String, Map<List<Object>, Object[]>> json = new HashMap<>();

  ColumnEvaluator(BoundFilter filter, FilterColumns columns) {
    this.filter = filter;
    this.columns = columns;
    this.rows = columns.rowCount();
  }

  RoaringBitmap evaluate() {
    return rows == 0 ? new RoaringBitmap() : eval(filter.expression(), false).t;
  }

  /** TRUE rows and (when asked for) FALSE rows of a predicate; all other rows are UNKNOWN. */
  private record Tri(RoaringBitmap t, @Nullable RoaringBitmap f) {}

  private Tri eval(Filter f, boolean needFalse) {
    if (f instanceof Filter.And) {
      RoaringBitmap t = null;
      RoaringBitmap fs = needFalse ? new RoaringBitmap() : null;
      for (Filter c : ((Filter.And) f).children()) {
        Tri r = eval(c, needFalse);
        if (t == null) {
          t = r.t;
        } else {
          t.and(r.t);
        }
        if (needFalse) {
          fs.or(r.f);
        } else if (t.isEmpty()) {
          break; // no row can become TRUE any more, and nobody asked for FALSE
        }
      }
      return new Tri(t, fs);
    }
    if (f instanceof Filter.Or) {
      RoaringBitmap t = new RoaringBitmap();
      RoaringBitmap fs = null;
      for (Filter c : ((Filter.Or) f).children()) {
        Tri r = eval(c, needFalse);
        t.or(r.t);
        if (needFalse) {
          if (fs == null) {
            fs = r.f;
          } else {
            fs.and(r.f);
          }
        }
      }
      return new Tri(t, fs);
    }
    if (f instanceof Filter.Not) {
      Tri r = eval(((Filter.Not) f).child(), true);
      return new Tri(r.f, needFalse ? r.t : null);
    }
    if (f instanceof Filter.Constant) {
      boolean v = ((Filter.Constant) f).value();
      RoaringBitmap none = new RoaringBitmap();
      return v ? new Tri(all(), needFalse ? none : null) : new Tri(none, needFalse ? all() : null);
    }
    if (f instanceof Filter.IsNull) {
      return isNull((Filter.IsNull) f, needFalse);
    }
    Sink out = new Sink(needFalse);
    if (f instanceof Filter.Compare) {
      compare((Filter.Compare) f, out);
    } else if (f instanceof Filter.In) {
      in((Filter.In) f, out);
    } else if (f instanceof Filter.Like) {
      like((Filter.Like) f, out);
    } else {
      Filter.Contains c = (Filter.Contains) f;
      OperandColumn col = materialize(c.value());
      ValueSet set = filter.prepared(f);
      for (int i = 0; i < rows; i++) {
        out.put(i, JsonValues.contains(c.mode(), col.get(i), c.values(), set));
      }
    }
    return out.done();
  }

  private void compare(Filter.Compare c, Sink out) {
    if (c.right() instanceof Operand.Literal) {
      Object lit = ((Operand.Literal) c.right()).value();
      ValueVector v = typedVector(c.left());
      if (v != null && compareVector(v, c.op(), lit, out)) {
        return;
      }
      OperandColumn left = materialize(c.left());
      if (lit instanceof Number && left.kind == OperandColumn.LONG) {
        NumericRange range = NumericRange.forLongs(c.op(), (Number) lit);
        for (int i = 0; i < rows; i++) {
          if (!left.isNull(i)) {
            out.put(i, range.test(left.getLong(i)));
          }
        }
        return;
      }
      NumericRange range = lit instanceof Number && left.kind == OperandColumn.DOUBLE
          ? NumericRange.forDoubles(c.op(), (Number) lit) : null;
      if (range != null) {
        for (int i = 0; i < rows; i++) {
          if (!left.isNull(i)) {
            out.put(i, range.test(left.getDouble(i)));
          }
        }
        return;
      }
      for (int i = 0; i < rows; i++) {
        out.put(i, Comparisons.compare(c.op(), left.get(i), lit));
      }
      return;
    }
    OperandColumn l = materialize(c.left());
    OperandColumn r = materialize(c.right());
    CompareOp op = c.op();
    if (l.kind == OperandColumn.LONG && r.kind == OperandColumn.LONG) {
      for (int i = 0; i < rows; i++) {
        if (!l.isNull(i) && !r.isNull(i)) {
          out.put(i, op.test(Long.compare(l.getLong(i), r.getLong(i))));
        }
      }
    } else if (l.kind == OperandColumn.DOUBLE && r.kind == OperandColumn.DOUBLE) {
      for (int i = 0; i < rows; i++) {
        if (!l.isNull(i) && !r.isNull(i)) {
          out.put(i, Comparisons.compareDoubles(op, l.getDouble(i), r.getDouble(i)));
        }
      }
    } else {
      for (int i = 0; i < rows; i++) {
        out.put(i, Comparisons.compare(op, l.get(i), r.get(i)));
      }
    }
  }

  /** {@code field op constant} straight over an Arrow vector; false when the vector type has no fast path. */
  private boolean compareVector(ValueVector v, CompareOp op, Object lit, Sink out) {
    if (lit instanceof Number && (v instanceof IntVector || v instanceof BigIntVector)) {
      NumericRange range = NumericRange.forLongs(op, (Number) lit);
      if (v instanceof IntVector) {
        IntVector iv = (IntVector) v;
        for (int i = 0; i < rows; i++) {
          if (!iv.isNull(i)) {
            out.put(i, range.test(iv.get(i)));
          }
        }
      } else {
        BigIntVector bv = (BigIntVector) v;
        for (int i = 0; i < rows; i++) {
          if (!bv.isNull(i)) {
            out.put(i, range.test(bv.get(i)));
          }
        }
      }
      return true;
    }
    if (lit instanceof Number && (v instanceof Float4Vector || v instanceof Float8Vector)) {
      NumericRange range = NumericRange.forDoubles(op, (Number) lit);
      if (range == null) {
        return false;
      }
      if (v instanceof Float4Vector) {
        Float4Vector fv = (Float4Vector) v;
        for (int i = 0; i < rows; i++) {
          if (!fv.isNull(i)) {
            out.put(i, range.test((double) fv.get(i)));
          }
        }
      } else {
        Float8Vector dv = (Float8Vector) v;
        for (int i = 0; i < rows; i++) {
          if (!dv.isNull(i)) {
            out.put(i, range.test(dv.get(i)));
          }
        }
      }
      return true;
    }
    if (lit instanceof Boolean && v instanceof BitVector && !op.isOrdering()) {
      BitVector bv = (BitVector) v;
      boolean wanted = (Boolean) lit == (op == CompareOp.EQ);
      for (int i = 0; i < rows; i++) {
        if (!bv.isNull(i)) {
          out.put(i, (bv.get(i) != 0) == wanted);
        }
      }
      return true;
    }
    if (lit instanceof String && v instanceof VarCharVector) {
      VarCharVector sv = (VarCharVector) v;
      byte[] key = ((String) lit).getBytes(StandardCharsets.UTF_8);
      ArrowBuf data = sv.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        if (!sv.isNull(i)) {
          int start = sv.getStartOffset(i);
          int length = sv.getEndOffset(i) - start;
          int cmp = op.isOrdering() || length == key.length ? compareUtf8(data, start, length, key) : 1;
          out.put(i, op.test(cmp));
        }
      }
      return true;
    }
    return false;
  }

  /** Unsigned byte order of UTF-8, which is code point order. */
  private static int compareUtf8(ArrowBuf data, long start, int length, byte[] key) {
    int n = Math.min(length, key.length);
    for (int i = 0; i < n; i++) {
      int a = data.getByte(start + i) & 0xff;
      int b = key[i] & 0xff;
      if (a != b) {
        return a - b;
      }
    }
    return length - key.length;
  }

  private void in(Filter.In in, Sink out) {
    ValueSet set = filter.prepared(in);
    boolean neg = in.negated();
    ValueVector v = typedVector(in.value());
    if (v instanceof IntVector) {
      IntVector iv = (IntVector) v;
      for (int i = 0; i < rows; i++) {
        if (!iv.isNull(i)) {
          out.put(i, set.containsLong(iv.get(i)) != neg);
        }
      }
    } else if (v instanceof BigIntVector) {
      BigIntVector bv = (BigIntVector) v;
      for (int i = 0; i < rows; i++) {
        if (!bv.isNull(i)) {
          out.put(i, set.containsLong(bv.get(i)) != neg);
        }
      }
    } else if (v instanceof Float4Vector) {
      Float4Vector fv = (Float4Vector) v;
      for (int i = 0; i < rows; i++) {
        if (!fv.isNull(i)) {
          out.put(i, set.containsDouble(fv.get(i)) != neg);
        }
      }
    } else if (v instanceof Float8Vector) {
      Float8Vector dv = (Float8Vector) v;
      for (int i = 0; i < rows; i++) {
        if (!dv.isNull(i)) {
          out.put(i, set.containsDouble(dv.get(i)) != neg);
        }
      }
    } else if (v instanceof VarCharVector) {
      VarCharVector sv = (VarCharVector) v;
      ArrowBuf data = sv.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        if (!sv.isNull(i)) {
          int start = sv.getStartOffset(i);
          out.put(i, set.containsUtf8(data.nioBuffer(start, sv.getEndOffset(i) - start)) != neg);
        }
      }
    } else if (v instanceof BitVector) {
      BitVector bv = (BitVector) v;
      for (int i = 0; i < rows; i++) {
        if (!bv.isNull(i)) {
          out.put(i, set.containsBoolean(bv.get(i) != 0) != neg);
        }
      }
    } else {
      OperandColumn col = materialize(in.value());
      for (int i = 0; i < rows; i++) {
        Boolean b = set.contains(col.get(i));
        out.put(i, b == null ? null : b != neg);
      }
    }
  }

  private void like(Filter.Like like, Sink out) {
    LikePattern pattern = filter.prepared(like);
    ValueVector v = typedVector(like.value());
    if (v instanceof VarCharVector) {
      VarCharVector sv = (VarCharVector) v;
      ArrowBuf data = sv.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        if (!sv.isNull(i)) {
          int start = sv.getStartOffset(i);
          out.put(i, pattern.matchesUtf8(data, start, sv.getEndOffset(i) - start));
        }
      }
      return;
    }
    OperandColumn col = materialize(like.value());
    for (int i = 0; i < rows; i++) {
      out.put(i, pattern.test(col.get(i)));
    }
  }

  private Tri isNull(Filter.IsNull n, boolean needFalse) {
    Operand.FieldRef ref = (Operand.FieldRef) n.value();
    RoaringBitmap nulls;
    if (filter.isJson(ref)) {
      Object[] values = jsonValues(ref);
      RoaringBitmapWriter<RoaringBitmap> w = RoaringBitmapWriter.writer().get();
      for (int i = 0; i < rows; i++) {
        if (values[i] == null) {
          w.add(i);
        }
      }
      nulls = w.get();
    } else {
      ValueVector v = columns.column(ref.name());
      if (v == null) {
        nulls = all();
      } else if (v.getNullCount() == 0) {
        nulls = new RoaringBitmap();
      } else {
        RoaringBitmapWriter<RoaringBitmap> w = RoaringBitmapWriter.writer().get();
        for (int i = 0; i < rows; i++) {
          if (v.isNull(i)) {
            w.add(i);
          }
        }
        nulls = w.get();
      }
    }
    RoaringBitmap others = RoaringBitmap.andNot(all(), nulls);
    return n.negated() ? new Tri(others, needFalse ? nulls : null) : new Tri(nulls, needFalse ? others : null);
  }

  /** The vector of a typed (non-JSON) field reference, or null for anything else or a missing column. */
  @Nullable
  private ValueVector typedVector(Operand o) {
    if (!(o instanceof Operand.FieldRef) || filter.isJson((Operand.FieldRef) o)) {
      return null;
    }
    return columns.column(((Operand.FieldRef) o).name());
  }

  private OperandColumn materialize(Operand o) {
    if (o instanceof Operand.Literal) {
      return OperandColumn.constant(((Operand.Literal) o).value());
    }
    if (o instanceof Operand.Arith) {
      Operand.Arith a = (Operand.Arith) o;
      return arith(materialize(a.left()), a.op(), materialize(a.right()));
    }
    Operand.FieldRef ref = (Operand.FieldRef) o;
    if (filter.isJson(ref)) {
      return OperandColumn.ofObjects(jsonValues(ref));
    }
    ValueVector v = columns.column(ref.name());
    if (v == null) {
      return OperandColumn.constant(null);
    }
    BitSet nulls = new BitSet(rows);
    if (v instanceof IntVector || v instanceof BigIntVector) {
      long[] values = new long[rows];
      for (int i = 0; i < rows; i++) {
        if (v.isNull(i)) {
          nulls.set(i);
        } else {
          values[i] = v instanceof IntVector ? ((IntVector) v).get(i) : ((BigIntVector) v).get(i);
        }
      }
      return OperandColumn.ofLongs(values, nulls);
    }
    if (v instanceof Float4Vector || v instanceof Float8Vector) {
      double[] values = new double[rows];
      for (int i = 0; i < rows; i++) {
        if (v.isNull(i)) {
          nulls.set(i);
        } else {
          values[i] = v instanceof Float4Vector ? ((Float4Vector) v).get(i) : ((Float8Vector) v).get(i);
        }
      }
      return OperandColumn.ofDoubles(values, nulls);
    }
    Object[] values = new Object[rows];
    for (int i = 0; i < rows; i++) {
      values[i] = v.isNull(i) ? null : canonical(v.getObject(i));
    }
    return OperandColumn.ofObjects(values);
  }

  private OperandColumn arith(OperandColumn a, ArithOp op, OperandColumn b) {
    if (a.kind == OperandColumn.OBJECT || b.kind == OperandColumn.OBJECT) {
      Object[] values = new Object[rows];
      for (int i = 0; i < rows; i++) {
        values[i] = op.apply(a.get(i), b.get(i));
      }
      return OperandColumn.ofObjects(values);
    }
    BitSet nulls = new BitSet(rows);
    if (a.kind == OperandColumn.LONG && b.kind == OperandColumn.LONG) {
      long[] values = new long[rows];
      for (int i = 0; i < rows; i++) {
        if (a.isNull(i) || b.isNull(i) || op.undefinedForLong(b.getLong(i))) {
          nulls.set(i);
        } else {
          values[i] = op.applyLong(a.getLong(i), b.getLong(i));
        }
      }
      return OperandColumn.ofLongs(values, nulls);
    }
    double[] values = new double[rows];
    for (int i = 0; i < rows; i++) {
      if (a.isNull(i) || b.isNull(i) || op.undefinedForDouble(b.getDouble(i))) {
        nulls.set(i);
      } else {
        values[i] = op.applyDouble(a.getDouble(i), b.getDouble(i));
      }
    }
    return OperandColumn.ofDoubles(values, nulls);
  }

  /** The values at one JSON path for every row; the column's rows are parsed once for all its paths. */
  private Object[] jsonValues(Operand.FieldRef ref) {
    Map<List<Object>, Object[]> perPath = json.get(ref.name());
    if (perPath == null) {
      List<List<Object>> paths = filter.jsonPaths(ref.name());
      perPath = new HashMap<>();
      Object[][] values = new Object[paths.size()][];
      for (int p = 0; p < paths.size(); p++) {
        values[p] = new Object[rows];
        perPath.put(paths.get(p), values[p]);
      }
      ValueVector v = columns.column(ref.name());
      for (int i = 0; v != null && i < rows; i++) {
        if (v.isNull(i)) {
          continue;
        }
        JsonNode root = v instanceof VarCharVector ? JsonValues.parse(((VarCharVector) v).get(i))
            : JsonValues.fromJava(canonical(v.getObject(i)));
        for (int p = 0; root != null && p < paths.size(); p++) {
          values[p][i] = JsonValues.extract(root, paths.get(p));
        }
      }
      json.put(ref.name(), perPath);
    }
    return perPath.get(ref.path());
  }

  @Nullable
  private static Object canonical(@Nullable Object v) {
    return v instanceof Text ? v.toString() : Comparisons.canonical(v);
  }

  private RoaringBitmap all() {
    return RoaringBitmap.bitmapOfRange(0, rows);
  }

  /** Collects TRUE and FALSE rows in increasing row order. */
  private static final class Sink {
    private final RoaringBitmapWriter<RoaringBitmap> t = RoaringBitmapWriter.writer().get();
    @Nullable private final RoaringBitmapWriter<RoaringBitmap> f;

    Sink(boolean needFalse) {
      this.f = needFalse ? RoaringBitmapWriter.writer().get() : null;
    }

    void put(int row, boolean value) {
      if (value) {
        t.add(row);
      } else if (f != null) {
        f.add(row);
      }
    }

    void put(int row, @Nullable Boolean value) {
      if (value != null) {
        put(row, value.booleanValue());
      }
    }

    Tri done() {
      return new Tri(t.get(), f == null ? null : f.get());
    }
  }
}
