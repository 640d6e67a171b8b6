package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The fast path for vector columns as {@link SegmentWriter} writes them (a 3-level list of FLOAT, PLAIN values, RLE
 * levels, no dictionary): each page's values are copied into the float buffer in one bulk copy instead of one
 * {@code getFloat()} per value, and the levels are checked run by run (every row exactly {@code dim} elements, none
 * null). Page CRCs were verified when the row group was read. Column chunks written any other way take the
 * value-at-a-time path.
 */
final class BulkVectorPages {
  private static final Set<Encoding> BULK = Set.of(Encoding.PLAIN, Encoding.RLE, Encoding.BIT_PACKED);

  private BulkVectorPages() {}

  /** True when the chunk of {@code desc} in {@code block} can be read in bulk. */
  static boolean eligible(BlockMetaData block, ColumnDescriptor desc) {
    if (desc.getPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.FLOAT
        || desc.getMaxRepetitionLevel() != 1) {
      return false;
    }
    ColumnPath path = ColumnPath.get(desc.getPath());
    for (ColumnChunkMetaData c : block.getColumns()) {
      if (c.getPath().equals(path)) {
        return !c.hasDictionaryPage() && BULK.containsAll(c.getEncodings());
      }
    }
    return false;
  }

  /** Copies {@code rows * dim} floats of one row group into {@code out} from index {@code base * dim}. */
  static void read(PageReader pages, ColumnDescriptor desc, float[] out, int base, int rows, int dim, String file,
      String field) {
    int maxDef = desc.getMaxDefinitionLevel();
    int defWidth = BytesUtils.getWidthFromMaxInt(maxDef);
    long expected = (long) rows * dim;
    long k = 0;
    int pos = base * dim;
    DataPage page;
    while (k < expected && (page = pages.readPage()) != null) {
      int n = page.getValueCount();
      if (k + n > expected) {
        throw corrupt(file, field, "a page holds " + n + " values past the row group's " + expected);
      }
      ByteBuffer values;
      if (page instanceof DataPageV1) {
        DataPageV1 v1 = (DataPageV1) page;
        if (v1.getValueEncoding() != Encoding.PLAIN || v1.getRlEncoding() != Encoding.RLE
            || (maxDef > 0 && v1.getDlEncoding() != Encoding.RLE)) {
          throw corrupt(file, field, "unexpected page encodings " + v1.getRlEncoding() + "/" + v1.getDlEncoding()
              + "/" + v1.getValueEncoding());
        }
        ByteBuffer b = bytes(v1.getBytes());
        int p = b.position();
        int len = b.getInt(p);
        checkLevels(b, p + 4, len, n, 1, k, dim, -1, file, field);
        p += 4 + len;
        if (maxDef > 0) {
          len = b.getInt(p);
          checkLevels(b, p + 4, len, n, defWidth, k, dim, maxDef, file, field);
          p += 4 + len;
        }
        values = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        values.position(p);
      } else {
        DataPageV2 v2 = (DataPageV2) page;
        if (v2.getDataEncoding() != Encoding.PLAIN || v2.getNullCount() != 0) {
          throw corrupt(file, field, "unexpected page encoding " + v2.getDataEncoding() + " or nulls");
        }
        ByteBuffer r = bytes(v2.getRepetitionLevels());
        checkLevels(r, r.position(), r.remaining(), n, 1, k, dim, -1, file, field);
        if (maxDef > 0) {
          ByteBuffer d = bytes(v2.getDefinitionLevels());
          checkLevels(d, d.position(), d.remaining(), n, defWidth, k, dim, maxDef, file, field);
        }
        values = bytes(v2.getData());
      }
      if (values.remaining() < n * 4L) {
        throw corrupt(file, field, "a page has " + values.remaining() + " value bytes for " + n + " floats");
      }
      values.asFloatBuffer().get(out, pos, n);
      pos += n;
      k += n;
    }
    if (k != expected) {
      throw corrupt(file, field, "a row group has " + k + " values for " + rows + " rows of " + dim + " dimensions");
    }
  }

  private static ByteBuffer bytes(org.apache.parquet.bytes.BytesInput in) {
    try {
      return in.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Checks {@code n} levels in the RLE/bit-packed hybrid encoding at {@code b[off, off+len)}: repetition levels
   * ({@code def < 0}) must be 0 exactly at every multiple of {@code dim} (counting from {@code start}) and 1 elsewhere;
   * definition levels must all be {@code def}.
   */
  static void checkLevels(ByteBuffer b, int off, int len, int n, int width, long start, int dim, int def, String file,
      String field) {
    int p = off;
    int end = off + len;
    int i = 0;
    int mask = (1 << width) - 1;
    while (i < n) {
      if (p >= end) {
        throw corrupt(file, field, "levels end after " + i + " of " + n + " values");
      }
      int header = 0;
      int shift = 0;
      int by;
      do {
        by = b.get(p++) & 0xff;
        header |= (by & 0x7f) << shift;
        shift += 7;
      } while ((by & 0x80) != 0);
      if ((header & 1) == 0) {
        int count = header >>> 1;
        int value = 0;
        for (int j = 0; j < (width + 7) / 8; j++) {
          value |= (b.get(p++) & 0xff) << (8 * j);
        }
        int m = Math.min(count, n - i);
        checkRun(start + i, m, value, dim, def, file, field);
        i += m;
      } else {
        int groups = header >>> 1;
        for (int g = 0; g < groups && i < n; g++) {
          long bits = 0;
          for (int j = 0; j < width; j++) {
            bits |= (long) (b.get(p++) & 0xff) << (8 * j);
          }
          for (int j = 0; j < 8 && i < n; j++, i++) {
            checkRun(start + i, 1, (int) ((bits >>> (j * width)) & mask), dim, def, file, field);
          }
        }
      }
    }
  }

  private static void checkRun(long from, int count, int value, int dim, int def, String file, String field) {
    if (count <= 0) {
      return;
    }
    boolean ok;
    if (def >= 0) {
      ok = value == def;
    } else if (dim == 1) {
      ok = value == 0;
    } else if (value == 0) {
      ok = count == 1 && from % dim == 0;
    } else {
      long inRow = from % dim;
      ok = value == 1 && inRow != 0 && inRow + count <= dim;
    }
    if (!ok) {
      throw corrupt(file, field, "row " + (from / dim) + " does not have " + dim + " non-null dimensions");
    }
  }

  private static CorruptFileException corrupt(String file, String field, String why) {
    return new CorruptFileException(file, "vector column '" + field + "': " + why);
  }
}
