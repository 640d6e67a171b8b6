package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.schema.FieldSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.annotation.Nullable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Page-level decoding of a flat scalar column chunk (INT32, INT64, FLOAT, DOUBLE, VARCHAR/JSON; required or
 * nullable) into an Arrow vector, any number of rows per call, so a reader can stream a row group in batches.
 * PLAIN pages of fixed-width values are copied into the vector's data buffer in bulk and PLAIN strings straight from
 * the page; dictionary-encoded and other pages use Parquet's own {@link ValuesReader}s value by value. This replaces
 * Parquet's record-level {@code ColumnReader}, whose per-value bookkeeping (and a buffer slice per string) was the
 * largest cost of a scan.
 */
final class ScalarPages {
  private final PageReader pages;
  private final ColumnDescriptor desc;
  private final FieldVector out;
  private final String file;
  private final String field;
  private final int width;
  private final int maxDef;
  @Nullable private final Dictionary dictionary;
  private int left;
  /** The current page's definition levels (null for a required column). */
  @Nullable private RunLengthBitPackingHybridDecoder defs;
  @Nullable private ValuesReader defReader;
  /** The current page's PLAIN values, little-endian; null when {@link #values} decodes them. */
  @Nullable private ByteBuffer plain;
  @Nullable private ValuesReader values;

  ScalarPages(PageReader pages, ColumnDescriptor desc, FieldVector out, String file, String field) {
    this.pages = pages;
    this.desc = desc;
    this.out = out;
    this.file = file;
    this.field = field;
    this.maxDef = desc.getMaxDefinitionLevel();
    this.width = width(desc.getPrimitiveType().getPrimitiveTypeName());
    try {
      DictionaryPage dp = pages.readDictionaryPage();
      this.dictionary = dp == null ? null : dp.getEncoding().initDictionary(desc, dp);
    } catch (IOException e) {
      throw corrupt("cannot read its dictionary: " + e);
    }
  }

  /** True for the columns this class decodes: flat, at most one definition level, a type it maps to Arrow. */
  static boolean eligible(ColumnDescriptor desc, FieldSchema f, FieldVector out) {
    if (desc.getMaxRepetitionLevel() != 0 || desc.getMaxDefinitionLevel() > 1) {
      return false;
    }
    PrimitiveTypeName t = desc.getPrimitiveType().getPrimitiveTypeName();
    switch (f.type()) {
      case INT32:
        return t == PrimitiveTypeName.INT32 && out instanceof IntVector;
      case INT64:
        return t == PrimitiveTypeName.INT64 && out instanceof BigIntVector;
      case FLOAT:
        return t == PrimitiveTypeName.FLOAT && out instanceof Float4Vector;
      case DOUBLE:
        return t == PrimitiveTypeName.DOUBLE && out instanceof Float8Vector;
      case VARCHAR:
      case JSON:
        return t == PrimitiveTypeName.BINARY && out instanceof VarCharVector;
      default:
        return false;
    }
  }

  private static int width(PrimitiveTypeName t) {
    switch (t) {
      case INT32:
      case FLOAT:
        return 4;
      case INT64:
      case DOUBLE:
        return 8;
      default:
        return 0;
    }
  }

  /** Decodes the chunk's next {@code rows} values into rows {@code [base, base + rows)} of the vector. */
  void read(int base, int rows) {
    try {
      int row = base;
      int end = base + rows;
      while (row < end) {
        if (left == 0) {
          nextPage();
        }
        int m = Math.min(end - row, left);
        if (maxDef == 0 && plain != null && width > 0) {
          copyPlain(row, m);
        } else {
          for (int i = row; i < row + m; i++) {
            if (maxDef == 0 || level() == maxDef) {
              value(i);
            }
          }
        }
        row += m;
        left -= m;
      }
    } catch (IOException e) {
      throw corrupt(e.toString());
    }
  }

  /** Checks that no value of the chunk is left unread. */
  void finish() {
    if (left != 0 || pages.readPage() != null) {
      throw corrupt("its row group holds more values than rows");
    }
  }

  private int level() throws IOException {
    return defs != null ? defs.readInt() : defReader.readInteger();
  }

  private void copyPlain(int row, int m) {
    BaseFixedWidthVector v = (BaseFixedWidthVector) out;
    int bytes = m * width;
    if (plain.remaining() < bytes) {
      throw corrupt("a page ends after " + plain.remaining() / width + " of its values");
    }
    ArrowBuf data = v.getDataBuffer();
    ByteBuffer slice = plain.slice();
    slice.limit(bytes);
    data.setBytes((long) row * width, slice);
    plain.position(plain.position() + bytes);
    for (int i = row; i < row + m; i++) {
      v.setIndexDefined(i);
    }
  }

  private void value(int i) {
    if (plain != null) {
      switch (width) {
        case 4:
          if (out instanceof IntVector) {
            ((IntVector) out).set(i, plain.getInt());
          } else {
            ((Float4Vector) out).set(i, plain.getFloat());
          }
          break;
        case 8:
          if (out instanceof BigIntVector) {
            ((BigIntVector) out).set(i, plain.getLong());
          } else {
            ((Float8Vector) out).set(i, plain.getDouble());
          }
          break;
        default:
          int len = plain.getInt();
          if (len < 0 || len > plain.remaining()) {
            throw corrupt("a string of " + len + " bytes runs past its page");
          }
          ((VarCharVector) out).setSafe(i, plain, plain.position(), len);
          plain.position(plain.position() + len);
      }
      return;
    }
    if (out instanceof IntVector) {
      ((IntVector) out).set(i, values.readInteger());
    } else if (out instanceof BigIntVector) {
      ((BigIntVector) out).set(i, values.readLong());
    } else if (out instanceof Float4Vector) {
      ((Float4Vector) out).set(i, values.readFloat());
    } else if (out instanceof Float8Vector) {
      ((Float8Vector) out).set(i, values.readDouble());
    } else {
      ByteBuffer b = values.readBytes().toByteBuffer();
      ((VarCharVector) out).setSafe(i, b, b.position(), b.remaining());
    }
  }

  private void nextPage() throws IOException {
    DataPage p = pages.readPage();
    if (p == null) {
      throw corrupt("its pages end before its row group's last row");
    }
    int n = p.getValueCount();
    ByteBufferInputStream in;
    Encoding encoding;
    defs = null;
    defReader = null;
    if (p instanceof DataPageV1) {
      DataPageV1 v1 = (DataPageV1) p;
      in = ByteBufferInputStream.wrap(v1.getBytes().toByteBuffer());
      // a flat column has no repetition levels: its reader consumes nothing, but keeps the stream's position right
      v1.getRlEncoding().getValuesReader(desc, ValuesType.REPETITION_LEVEL).initFromPage(n, in);
      if (maxDef > 0) {
        defReader = v1.getDlEncoding().getValuesReader(desc, ValuesType.DEFINITION_LEVEL);
        defReader.initFromPage(n, in);
      }
      encoding = v1.getValueEncoding();
    } else {
      DataPageV2 v2 = (DataPageV2) p;
      if (maxDef > 0) {
        defs = new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(maxDef),
            v2.getDefinitionLevels().toInputStream());
      }
      in = ByteBufferInputStream.wrap(v2.getData().toByteBuffer());
      encoding = v2.getDataEncoding();
    }
    plain = null;
    values = null;
    if (encoding == Encoding.PLAIN) {
      plain = in.slice(in.available()).order(ByteOrder.LITTLE_ENDIAN);
    } else if (encoding.usesDictionary()) {
      if (dictionary == null) {
        throw corrupt("a page is dictionary-encoded but the chunk has no dictionary");
      }
      values = encoding.getDictionaryBasedValuesReader(desc, ValuesType.VALUES, dictionary);
      values.initFromPage(n, in);
    } else {
      values = encoding.getValuesReader(desc, ValuesType.VALUES);
      values.initFromPage(n, in);
    }
    left = n;
  }

  private CorruptFileException corrupt(String why) {
    return new CorruptFileException(file, "column '" + field + "': " + why);
  }
}
