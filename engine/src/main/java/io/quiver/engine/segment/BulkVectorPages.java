package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * levels, no dictionary): each page's values are copied into the float buffer in bulk instead of one
 * {@code getFloat()} per value, and the levels are checked run by run (every row exactly {@code dim} elements, none
 * null) when the page is opened. Page CRCs were verified when the row group was read. Column chunks written any
 * other way take the value-at-a-time path.
 *
 * <p>One instance reads one column chunk front to back, any number of rows per call, so a reader can stream a row
 * group in small batches: a page that straddles two batches is finished by the next call.
 */
final class BulkVectorPages {
  private static final Set<Encoding> BULK = Set.of(Encoding.PLAIN, Encoding.RLE, Encoding.BIT_PACKED);

  private final PageReader pages;
  private final int dim;
  private final String file;
  private final String field;
  private final int maxDef;
  private final int defWidth;
  /** Values of the whole chunk ({@code rows * dim}). */
  private final long expected;
  /** Values of the pages opened so far. */
  private long opened;
  /** The current page's values not yet copied. */
  private FloatBuffer page = FloatBuffer.allocate(0);

  /** Reads the chunk of {@code desc} holding {@code rows} rows of {@code dim} floats. */
  BulkVectorPages(PageReader pages, ColumnDescriptor desc, long rows, int dim, String file, String field) {
    this.pages = pages;
    this.dim = dim;
    this.file = file;
    this.field = field;
    this.maxDef = desc.getMaxDefinitionLevel();
    this.defWidth = BytesUtils.getWidthFromMaxInt(maxDef);
    this.expected = rows * dim;
  }

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

  /** Copies the next {@code rows * dim} floats of the chunk into {@code out} from index {@code pos}. */
  void read(float[] out, int pos, int rows) {
    long want = (long) rows * dim;
    while (want > 0) {
      if (!page.hasRemaining()) {
        nextPage();
      }
      int m = (int) Math.min(want, page.remaining());
      page.get(out, pos, m);
      pos += m;
      want -= m;
    }
  }

  /** Checks that the chunk held exactly its rows' values and that all were read. */
  void finish() {
    if (opened != expected || page.hasRemaining()) {
      throw corrupt(file, field, "a row group has " + (opened - page.remaining()) + " values read of " + expected
          + " expected for " + (expected / dim) + " rows of " + dim + " dimensions");
    }
  }

  private void nextPage() {
    DataPage p = pages.readPage();
    if (p == null) {
      throw corrupt(file, field, "a row group has " + opened + " values for " + (expected / dim) + " rows of "
          + dim + " dimensions");
    }
    int n = p.getValueCount();
    if (opened + n > expected) {
      throw corrupt(file, field, "a page holds " + n + " values past the row group's " + expected);
    }
    ByteBuffer values;
    if (p instanceof DataPageV1) {
      DataPageV1 v1 = (DataPageV1) p;
      if (v1.getValueEncoding() != Encoding.PLAIN || v1.getRlEncoding() != Encoding.RLE
          || (maxDef > 0 && v1.getDlEncoding() != Encoding.RLE)) {
        throw corrupt(file, field, "unexpected page encodings " + v1.getRlEncoding() + "/" + v1.getDlEncoding()
            + "/" + v1.getValueEncoding());
      }
      ByteBuffer b = bytes(v1.getBytes());
      int at = b.position();
      int len = b.getInt(at);
      checkLevels(b, at + 4, len, n, 1, opened, dim, -1, file, field);
      at += 4 + len;
      if (maxDef > 0) {
        len = b.getInt(at);
        checkLevels(b, at + 4, len, n, defWidth, opened, dim, maxDef, file, field);
        at += 4 + len;
      }
      values = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      values.position(at);
    } else {
      DataPageV2 v2 = (DataPageV2) p;
      if (v2.getDataEncoding() != Encoding.PLAIN || v2.getNullCount() != 0) {
        throw corrupt(file, field, "unexpected page encoding " + v2.getDataEncoding() + " or nulls");
      }
      ByteBuffer r = bytes(v2.getRepetitionLevels());
      checkLevels(r, r.position(), r.remaining(), n, 1, opened, dim, -1, file, field);
      if (maxDef > 0) {
        ByteBuffer d = bytes(v2.getDefinitionLevels());
        checkLevels(d, d.position(), d.remaining(), n, defWidth, opened, dim, maxDef, file, field);
      }
      values = bytes(v2.getData());
    }
    if (values.remaining() < n * 4L) {
      throw corrupt(file, field, "a page has " + values.remaining() + " value bytes for " + n + " floats");
    }
    page = values.asFloatBuffer();
    page.limit(n);
    opened += n;
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
