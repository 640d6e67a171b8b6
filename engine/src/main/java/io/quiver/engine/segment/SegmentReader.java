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
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetRuntimeException;
import java.nio.ByteBuffer;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads a segment written by {@link SegmentWriter} into a {@link SegmentData}: scalars as Arrow vectors, each vector
 * field as one contiguous float buffer.
 *
 * <p>Trust is checked first: the stats file's envelope (format, version, CRC-32C), the data file's length against
 * the stats, and Parquet's page CRCs while reading. Any failure is a {@link CorruptFileException} naming the file.
 */
public final class SegmentReader {
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
    SegmentStats stats = readStats(conf, segmentDir, schema);
    Path data = new Path(segmentDir, SegmentFiles.DATA_FILE);
    List<FieldSchema> fields = new ArrayList<>();
    for (FieldSchema f : schema.fields()) {
      if (columns == null || columns.contains(f.name()) || f.isPrimaryKey()) {
        fields.add(f);
      }
    }
    boolean readMeta = schema.dynamicField() && (columns == null || columns.contains(CollectionSchema.DYNAMIC_FIELD));
    int rows = Math.toIntExact(stats.rowCount());
    List<FieldVector> vectors = new ArrayList<>();
    Map<String, float[]> floats = new LinkedHashMap<>();
    long[] seq = new long[rows];
    long[] offsets = new long[rows];
    String file = data.toString();
    try {
      FileSystem fs = data.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(data);
      if (st.getLen() != stats.dataBytes()) {
        throw new CorruptFileException(file, "length " + st.getLen() + " differs from the " + stats.dataBytes()
            + " bytes its stats file records");
      }
      ParquetReadOptions options = HadoopReadOptions.builder(conf).usePageChecksumVerification(true).build();
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(st, conf), options)) {
        MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
        if (reader.getRecordCount() != rows) {
          throw new CorruptFileException(file, "has " + reader.getRecordCount() + " rows, its stats record " + rows);
        }
        List<ColumnSink> sinks = new ArrayList<>();
        List<Type> projected = new ArrayList<>();
        for (FieldSchema f : fields) {
          Type t = column(fileSchema, f.name(), file);
          projected.add(t);
          if (f.type().isVector()) {
            float[] buf = new float[rows * f.dim()];
            floats.put(f.name(), buf);
            sinks.add(new VectorSink(f, buf, file));
          } else {
            FieldVector v = ArrowSchemas.toArrow(f).createVector(allocator);
            v.setInitialCapacity(rows);
            v.allocateNew();
            vectors.add(v);
            sinks.add(new ScalarSink(f, v));
          }
        }
        if (readMeta) {
          VarCharVector meta = (VarCharVector) new Field(CollectionSchema.DYNAMIC_FIELD,
              FieldType.nullable(ArrowType.Utf8.INSTANCE), null).createVector(allocator);
          meta.allocateNew(rows);
          vectors.add(meta);
          projected.add(column(fileSchema, AvroSchemas.META_COLUMN, file));
          sinks.add(new ScalarSink(FieldSchema.builder("meta", io.quiver.engine.schema.DataType.JSON).nullable(true)
              .build(), meta));
        }
        projected.add(column(fileSchema, AvroSchemas.SEQ_COLUMN, file));
        sinks.add(new LongSink(seq));
        projected.add(column(fileSchema, AvroSchemas.OFFSET_COLUMN, file));
        sinks.add(new LongSink(offsets));
        MessageType requested = new MessageType(fileSchema.getName(), projected);
        reader.setRequestedSchema(requested);
        String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
        int base = 0;
        int rowGroup = 0;
        List<org.apache.parquet.hadoop.metadata.BlockMetaData> blocks = reader.getRowGroups();
        PageReadStore pages;
        while ((pages = reader.readNextRowGroup()) != null) {
          int n = Math.toIntExact(pages.getRowCount());
          org.apache.parquet.hadoop.metadata.BlockMetaData block = blocks.get(rowGroup++);
          ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
              new GroupRecordConverter(requested).getRootConverter(), requested, createdBy);
          for (int c = 0; c < sinks.size(); c++) {
            ColumnDescriptor desc = requested.getColumns().get(c);
            ColumnSink sink = sinks.get(c);
            if (sink instanceof VectorSink && BulkVectorPages.eligible(block, desc)) {
              VectorSink v = (VectorSink) sink;
              BulkVectorPages.read(pages.getPageReader(desc), desc, v.out, base, n, v.field.dim(), file,
                  v.field.name());
            } else {
              sink.read(store.getColumnReader(desc), desc, base, n);
            }
          }
          base += n;
        }
        if (base != rows) {
          throw new CorruptFileException(file, "has " + base + " rows, its stats record " + rows);
        }
      }
      for (FieldVector v : vectors) {
        v.setValueCount(rows);
      }
      return new SegmentData(schema, stats, new VectorSchemaRoot(vectors), floats, seq, offsets);
    } catch (IOException | ParquetRuntimeException | IllegalStateException | IllegalArgumentException e) {
      vectors.forEach(FieldVector::close);
      throw new CorruptFileException(file, e.toString(), e);
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  private static Type column(MessageType fileSchema, String name, String file) {
    if (!fileSchema.containsField(name)) {
      throw new CorruptFileException(file, "has no column '" + name + "'");
    }
    return fileSchema.getType(name);
  }

  /** Moves one Parquet column of a row group into its destination. */
  private interface ColumnSink {
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

  private static final class VectorSink implements ColumnSink {
    private final FieldSchema field;
    private final float[] out;
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

  private static final class ScalarSink implements ColumnSink {
    private final FieldSchema field;
    private final FieldVector vec;

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
