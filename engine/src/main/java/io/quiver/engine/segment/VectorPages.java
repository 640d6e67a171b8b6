package io.quiver.engine.segment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;

/**
 * Writes one FLOAT_VECTOR column ({@code <field>.list.element} of the 3-level list) a whole data page at a time:
 * the page's floats are copied in as rows arrive and, when the page is full, its levels are written as a few
 * RLE runs per row (repetition: one 0 then {@code dim - 1} ones; definition: one run of the maximum level, vectors
 * never being null) and its values as PLAIN little-endian floats — the same v1 data pages, encodings and levels
 * Parquet's column writer produces for this column with statistics disabled, without its per-element bookkeeping
 * (a record-consumer call, two level encoders and a value writer for each of the {@code dim} elements), which made
 * most of a seal's time. Any Parquet reader reads the pages (the RLE/bit-packed hybrid allows runs of any length).
 */
final class VectorPages {
  /** Target uncompressed size of a page, Parquet's default page size. */
  static final int PAGE_BYTES = 1 << 20;

  private final ColumnDescriptor desc;
  private final int dim;
  private final int pageRows;
  private final ByteBuffer values;
  private final int repWidthBytes;
  private final int defWidthBytes;
  /** One row's repetition levels as written (two RLE runs: one 0, then {@code dim - 1} ones). */
  private final byte[] rowRepetition;
  private int rows;

  VectorPages(ColumnDescriptor desc, int dim) {
    if (desc.getMaxRepetitionLevel() != 1) {
      throw new IllegalArgumentException("Vector column " + String.join(".", desc.getPath())
          + " must be a list (max repetition level 1), has " + desc.getMaxRepetitionLevel());
    }
    this.desc = desc;
    this.dim = dim;
    this.pageRows = Math.max(1, PAGE_BYTES / (dim * 4));
    this.values = ByteBuffer.allocate(pageRows * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
    this.repWidthBytes = (BytesUtils.getWidthFromMaxInt(1) + 7) / 8;
    this.defWidthBytes = (BytesUtils.getWidthFromMaxInt(desc.getMaxDefinitionLevel()) + 7) / 8;
    ByteArrayOutputStream row = new ByteArrayOutputStream(16);
    try {
      run(row, 1, 0, repWidthBytes);
      run(row, dim - 1, 1, repWidthBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    this.rowRepetition = row.toByteArray();
  }

  ColumnDescriptor descriptor() {
    return desc;
  }

  /** Bytes buffered for the page not written yet. */
  long bufferedBytes() {
    return values.position();
  }

  /** Appends one row's vector ({@code dim} floats, checked by the caller); writes the page when it is full. */
  void add(float[] v, PageWriter out) throws IOException {
    values.asFloatBuffer().put(v, 0, dim);
    values.position(values.position() + dim * 4);
    if (++rows == pageRows) {
      flush(out);
    }
  }

  /**
   * Appends one row's vector given as its {@code dim} little-endian floats in {@code b} from {@code from} (the bytes a
   * PLAIN page holds, checked by the caller); writes the page when it is full.
   */
  void add(byte[] b, int from, PageWriter out) throws IOException {
    values.put(b, from, dim * 4);
    if (++rows == pageRows) {
      flush(out);
    }
  }

  /** Writes the buffered rows as one data page (nothing when none are buffered). */
  void flush(PageWriter out) throws IOException {
    if (rows == 0) {
      return;
    }
    int n = rows * dim;
    BytesInput rep;
    if (dim == 1) {
      ByteArrayOutputStream runs = new ByteArrayOutputStream(8);
      run(runs, rows, 0, repWidthBytes);
      rep = lengthPrefixed(runs);
    } else {
      // every row's levels are the same two runs: lay the first row's bytes down once, then double them
      byte[] prefixed = new byte[4 + rows * rowRepetition.length];
      ByteBuffer.wrap(prefixed).order(ByteOrder.LITTLE_ENDIAN).putInt(0, prefixed.length - 4);
      System.arraycopy(rowRepetition, 0, prefixed, 4, rowRepetition.length);
      for (int filled = rowRepetition.length, total = prefixed.length - 4; filled < total; filled *= 2) {
        System.arraycopy(prefixed, 4, prefixed, 4 + filled, Math.min(filled, total - filled));
      }
      rep = BytesInput.from(prefixed);
    }
    BytesInput levels;
    int maxDef = desc.getMaxDefinitionLevel();
    if (maxDef > 0) {
      ByteArrayOutputStream def = new ByteArrayOutputStream(8);
      run(def, n, maxDef, defWidthBytes);
      levels = BytesInput.concat(rep, lengthPrefixed(def));
    } else {
      levels = rep;
    }
    BytesInput page = BytesInput.concat(levels, BytesInput.from(values.array(), 0, values.position()));
    out.writePage(page, n, rows, Statistics.noopStats(desc.getPrimitiveType()),
        SizeStatistics.noopBuilder(desc.getPrimitiveType(), desc.getMaxRepetitionLevel(), maxDef).build(),
        GeospatialStatistics.noopBuilder().build(), Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
    values.clear();
    rows = 0;
  }

  /** One RLE run of the hybrid encoding: header {@code count << 1} as an unsigned varint, then the value. */
  private static void run(ByteArrayOutputStream out, int count, int value, int widthBytes) throws IOException {
    BytesUtils.writeUnsignedVarInt(count << 1, out);
    for (int i = 0; i < widthBytes; i++) {
      out.write((value >>> (8 * i)) & 0xff);
    }
  }

  /** Levels of a v1 data page: their byte length as a 4-byte little-endian int, then the runs. */
  private static BytesInput lengthPrefixed(ByteArrayOutputStream runs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(runs.size() + 4);
    BytesUtils.writeIntLittleEndian(out, runs.size());
    runs.writeTo(out);
    return BytesInput.from(out.toByteArray());
  }
}
