package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.io.HadoopFiles;
import io.quiver.engine.schema.ArrowSchemas;
import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetRuntimeException;
import java.nio.ByteBuffer;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads a segment written by {@link SegmentWriter} into a {@link SegmentData}: scalars as Arrow vectors, each vector
 * field as one contiguous float buffer.
 *
 * <p>Trust is checked first: the stats file's envelope (format, version, CRC-32C), the data file's length against
 * the stats, and Parquet's page CRCs while reading. Any failure is a {@link CorruptFileException} naming the file.
 */
public final class SegmentReader {
  /** How the dynamic field's column is decoded (JSON text, nullable). */
  static final FieldSchema META = FieldSchema.builder("meta", io.quiver.engine.schema.DataType.JSON).nullable(true)
      .build();

  private SegmentReader() {}

  /** Reads and verifies a segment's stats file. */
  public static SegmentStats readStats(Configuration conf, Path segmentDir, CollectionSchema schema) {
    Path p = new Path(segmentDir, SegmentFiles.STATS_FILE);
    try {
      FileSystem fs = p.getFileSystem(conf);
      return SegmentStats.fromBytes(HadoopFiles.readAll(fs, p), p.toString(), schema);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + p, e);
    }
  }

  /**
   * Reads a whole segment, column by column, straight from Parquet's column readers into Arrow vectors and float
   * buffers (no per-row records).
   *
   * @param columns the fields to read (null = all); the primary key and the system columns are always read
   */
  public static SegmentData read(Configuration conf, Path segmentDir, CollectionSchema schema,
      BufferAllocator allocator, @Nullable Set<String> columns) {
    try (SegmentRowGroups groups = SegmentRowGroups.open(conf, segmentDir, schema, columns)) {
      return groups.read(allocator, 0, groups.rowGroupCount());
    }
  }

  /** Reads row groups {@code [first, first + count)} of an open data file into one {@link SegmentData}. */
  static SegmentData read(SegmentRowGroups g, BufferAllocator allocator, int first, int count) {
    if (!g.systemColumns) {
      throw new IllegalStateException(g.file + " was opened without its system columns");
    }
    CollectionSchema schema = g.schema;
    List<org.apache.parquet.hadoop.metadata.BlockMetaData> blocks = g.reader.getRowGroups();
    long total = 0;
    for (int i = first; i < first + count; i++) {
      total += blocks.get(i).getRowCount();
    }
    int rows = Math.toIntExact(total);
    List<FieldVector> vectors = new ArrayList<>();
    Map<String, float[]> floats = new LinkedHashMap<>();
    long[] seq = new long[rows];
    long[] offsets = new long[rows];
    String file = g.file;
    try {
      List<ColumnSink> sinks = new ArrayList<>();
      for (FieldSchema f : g.fields) {
        if (f.type().isVector()) {
          float[] buf = new float[rows * f.dim()];
          floats.put(f.name(), buf);
          sinks.add(new VectorSink(f, buf, file));
        } else {
          FieldVector v = ArrowSchemas.toArrow(f).createVector(allocator);
          if (v instanceof VarCharVector) {
            // sized from the column chunks: growing a large string buffer value by value costs copies
            ((VarCharVector) v).allocateNew(Math.max(1, uncompressedBytes(blocks, first, count, f.name())), rows);
          } else {
            v.setInitialCapacity(rows);
            v.allocateNew();
          }
          vectors.add(v);
          sinks.add(new ScalarSink(f, v));
        }
      }
      if (g.readMeta) {
        VarCharVector meta = (VarCharVector) new Field(CollectionSchema.DYNAMIC_FIELD,
            FieldType.nullable(ArrowType.Utf8.INSTANCE), null).createVector(allocator);
        meta.allocateNew(rows);
        vectors.add(meta);
        sinks.add(new ScalarSink(META, meta));
      }
      sinks.add(new LongSink(seq));
      sinks.add(new LongSink(offsets));
      MessageType requested = g.requested;
      int base = 0;
      for (int rowGroup = first; rowGroup < first + count; rowGroup++) {
        PageReadStore pages = g.reader.readRowGroup(rowGroup);
        int n = Math.toIntExact(pages.getRowCount());
        org.apache.parquet.hadoop.metadata.BlockMetaData block = blocks.get(rowGroup);
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
            new GroupRecordConverter(requested).getRootConverter(), requested, g.createdBy);
        for (int c = 0; c < sinks.size(); c++) {
          ColumnDescriptor desc = requested.getColumns().get(c);
          ColumnSink sink = sinks.get(c);
          if (sink instanceof VectorSink && BulkVectorPages.eligible(block, desc)) {
            VectorSink v = (VectorSink) sink;
            BulkVectorPages bulk = new BulkVectorPages(pages.getPageReader(desc), desc, n, v.field.dim(), file,
                v.field.name());
            bulk.read(v.out, base * v.field.dim(), n);
            bulk.finish();
          } else if (sink instanceof ScalarSink && ScalarPages.eligible(desc, ((ScalarSink) sink).field,
              ((ScalarSink) sink).vec)) {
            ScalarSink s = (ScalarSink) sink;
            ScalarPages scalar = new ScalarPages(pages.getPageReader(desc), desc, s.vec, file, s.field.name());
            scalar.read(base, n);
            scalar.finish();
          } else {
            sink.read(store.getColumnReader(desc), desc, base, n);
          }
        }
        base += n;
      }
      if (base != rows) {
        throw new CorruptFileException(file, "has " + base + " rows in row groups " + first + ".."
            + (first + count - 1) + ", its footer records " + rows);
      }
      for (FieldVector v : vectors) {
        v.setValueCount(rows);
      }
      return new SegmentData(schema, g.stats, new VectorSchemaRoot(vectors), floats, seq, offsets);
    } catch (IOException | ParquetRuntimeException | IllegalStateException | IllegalArgumentException e) {
      vectors.forEach(FieldVector::close);
      throw new CorruptFileException(file, e.toString(), e);
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  private static long uncompressedBytes(List<org.apache.parquet.hadoop.metadata.BlockMetaData> blocks, int first,
      int count, String column) {
    long bytes = 0;
    for (int i = first; i < first + count; i++) {
      for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : blocks.get(i).getColumns()) {
        if (c.getPath().size() == 1 && c.getPath().toArray()[0].equals(column)) {
          bytes += c.getTotalUncompressedSize();
        }
      }
    }
    return bytes;
  }

  static Type column(MessageType fileSchema, String name, String file) {
    if (!fileSchema.containsField(name)) {
      throw new CorruptFileException(file, "has no column '" + name + "'");
    }
    return fileSchema.getType(name);
  }

  /** Moves one Parquet column of a row group into its destination. */
  interface ColumnSink {
    void read(ColumnReader r, ColumnDescriptor desc, int base, int rows);
  }

  private static final class LongSink implements ColumnSink {
    private final long[] out;

    LongSink(long[] out) {
      this.out = out;
    }

    @Override
    public void read(ColumnReader r, ColumnDescriptor desc, int base, int rows) {
      for (int i = 0; i < rows; i++) {
        out[base + i] = r.getLong();
        r.consume();
      }
    }
  }

  static final class VectorSink implements ColumnSink {
    final FieldSchema field;
    final float[] out;
    private final String file;

    VectorSink(FieldSchema field, float[] out, String file) {
      this.field = field;
      this.out = out;
      this.file = file;
    }

    @Override
    public void read(ColumnReader r, ColumnDescriptor desc, int base, int rows) {
      int dim = field.dim();
      int maxDef = desc.getMaxDefinitionLevel();
      int pos = base * dim;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < dim; j++) {
          if ((j == 0) != (r.getCurrentRepetitionLevel() == 0) || r.getCurrentDefinitionLevel() != maxDef) {
            throw new CorruptFileException(file, "row " + (base + i) + " of '" + field.name()
                + "' does not have " + dim + " dimensions");
          }
          out[pos++] = r.getFloat();
          r.consume();
        }
      }
    }
  }

  static final class ScalarSink implements ColumnSink {
    final FieldSchema field;
    final FieldVector vec;

    ScalarSink(FieldSchema field, FieldVector vec) {
      this.field = field;
      this.vec = vec;
    }

    @Override
    public void read(ColumnReader r, ColumnDescriptor desc, int base, int rows) {
      int maxDef = desc.getMaxDefinitionLevel();
      for (int i = 0; i < rows; i++) {
        int row = base + i;
        if (r.getCurrentDefinitionLevel() < maxDef) {
          vec.setNull(row);
        } else {
          switch (field.type()) {
            case BOOL:
              ((BitVector) vec).set(row, r.getBoolean() ? 1 : 0);
              break;
            case INT32:
              ((IntVector) vec).set(row, r.getInteger());
              break;
            case INT64:
              ((BigIntVector) vec).set(row, r.getLong());
              break;
            case FLOAT:
              ((Float4Vector) vec).set(row, r.getFloat());
              break;
            case DOUBLE:
              ((Float8Vector) vec).set(row, r.getDouble());
              break;
            default:
              ByteBuffer b = r.getBinary().toByteBuffer();
              ((VarCharVector) vec).setSafe(row, b, b.position(), b.remaining());
          }
        }
        r.consume();
      }
    }
  }
}
