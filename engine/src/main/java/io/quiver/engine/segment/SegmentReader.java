package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.io.HadoopFiles;
import io.quiver.engine.schema.ArrowSchemas;
import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetRuntimeException;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.hadoop.ParquetReader;
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
   * Reads a whole segment.
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
    Schema full = AvroSchemas.segmentSchema(schema);
    List<Schema.Field> projected = new ArrayList<>();
    for (Schema.Field f : full.getFields()) {
      String n = f.name();
      boolean keep = n.equals(AvroSchemas.SEQ_COLUMN) || n.equals(AvroSchemas.OFFSET_COLUMN)
          || (n.equals(AvroSchemas.META_COLUMN) ? readMeta : fields.stream().anyMatch(x -> x.name().equals(n)));
      if (keep) {
        projected.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema projection = Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false, projected);
    int rows = Math.toIntExact(stats.rowCount());
    Configuration rconf = new Configuration(conf);
    rconf.setBoolean("parquet.page.verify-checksum.enabled", true);
    // The projection is converted to Parquet with the same 3-level list layout the writer used.
    rconf.setBoolean(org.apache.parquet.avro.AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
    AvroReadSupport.setRequestedProjection(rconf, projection);
    AvroReadSupport.setAvroReadSchema(rconf, projection);

    List<FieldVector> vectors = new ArrayList<>();
    Map<String, float[]> floats = new LinkedHashMap<>();
    long[] seq = new long[rows];
    long[] offsets = new long[rows];
    try {
      FileSystem fs = data.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(data);
      if (st.getLen() != stats.dataBytes()) {
        throw new CorruptFileException(data.toString(), "length " + st.getLen() + " differs from the "
            + stats.dataBytes() + " bytes its stats file records");
      }
      List<FieldSchema> scalarFields = new ArrayList<>();
      for (FieldSchema f : fields) {
        if (f.type().isVector()) {
          floats.put(f.name(), new float[rows * f.dim()]);
        } else {
          scalarFields.add(f);
          FieldVector v = ArrowSchemas.toArrow(f).createVector(allocator);
          v.setInitialCapacity(rows);
          v.allocateNew();
          vectors.add(v);
        }
      }
      VarCharVector metaVector = null;
      if (readMeta) {
        metaVector = (VarCharVector) new Field(CollectionSchema.DYNAMIC_FIELD,
            FieldType.nullable(ArrowType.Utf8.INSTANCE), null).createVector(allocator);
        metaVector.allocateNew(rows);
        vectors.add(metaVector);
      }
      int[] positions = new int[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        positions[i] = projection.getField(fields.get(i).name()).pos();
      }
      int seqPos = projection.getField(AvroSchemas.SEQ_COLUMN).pos();
      int offPos = projection.getField(AvroSchemas.OFFSET_COLUMN).pos();
      int metaPos = readMeta ? projection.getField(AvroSchemas.META_COLUMN).pos() : -1;
      int row = 0;
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
              HadoopInputFile.fromPath(data, rconf)).withConf(rconf).build()) {
        GenericRecord r;
        while ((r = reader.read()) != null) {
          if (row >= rows) {
            throw new CorruptFileException(data.toString(), "more rows than the " + rows + " its stats record");
          }
          int scalar = 0;
          for (int i = 0; i < fields.size(); i++) {
            FieldSchema f = fields.get(i);
            Object v = r.get(positions[i]);
            if (f.type().isVector()) {
              float[] vec = AvroSchemas.toFloats(v);
              if (vec.length != f.dim()) {
                throw new CorruptFileException(data.toString(), "row " + row + " of '" + f.name() + "' has "
                    + vec.length + " dimensions, the schema says " + f.dim());
              }
              System.arraycopy(vec, 0, floats.get(f.name()), row * f.dim(), f.dim());
            } else {
              set(vectors.get(scalar++), f, row, v);
            }
          }
          if (metaVector != null) {
            Object m = r.get(metaPos);
            if (m != null) {
              metaVector.setSafe(row, m.toString().getBytes(StandardCharsets.UTF_8));
            }
          }
          seq[row] = (Long) r.get(seqPos);
          offsets[row] = (Long) r.get(offPos);
          row++;
        }
      }
      if (row != rows) {
        throw new CorruptFileException(data.toString(), "has " + row + " rows, its stats record " + rows);
      }
      for (FieldVector v : vectors) {
        v.setValueCount(rows);
      }
      return new SegmentData(schema, stats, new VectorSchemaRoot(vectors), floats, seq, offsets);
    } catch (IOException | ParquetRuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw new CorruptFileException(data.toString(), e.toString(), e);
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  private static void set(FieldVector vec, FieldSchema f, int row, @Nullable Object v) {
    if (v == null) {
      vec.setNull(row);
      return;
    }
    switch (f.type()) {
      case BOOL:
        ((BitVector) vec).set(row, ((Boolean) v) ? 1 : 0);
        break;
      case INT32:
        ((IntVector) vec).set(row, (Integer) v);
        break;
      case INT64:
        ((BigIntVector) vec).set(row, (Long) v);
        break;
      case FLOAT:
        ((Float4Vector) vec).set(row, (Float) v);
        break;
      case DOUBLE:
        ((Float8Vector) vec).set(row, (Double) v);
        break;
      default:
        ((VarCharVector) vec).setSafe(row, v.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}
