package io.quiver.engine.segment;

import io.quiver.engine.io.CorruptFileException;
import io.quiver.engine.schema.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Delete files: Parquet files of {@code (pk, offset)} for one shard. A delete at {@code offset} in a commit with
 * sequence number {@code s} hides every row of that pk whose order {@code (seq, offset)} is lower than
 * {@code (s, offset)}. Batch deletes (SQL {@code DELETE}) carry {@link #AFTER_EVERY_OFFSET} and, as their sequence
 * number, the last one of the snapshot they were evaluated on, so they hide every row of their keys that snapshot
 * could see and no row committed after it.
 */
public final class DeleteFiles {
  /** Offset of a batch delete: after every row of its own commit. */
  public static final long AFTER_EVERY_OFFSET = Long.MAX_VALUE;

  private DeleteFiles() {}

  /** One delete: the primary key and the offset of the delete operation. */
  public record Delete(Object pk, long offset) {}

  static Schema schema(DataType pkType) {
    SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("QuiverDelete").namespace("io.quiver.row").fields();
    f = pkType == DataType.INT64 ? f.requiredLong("pk") : f.requiredString("pk");
    return f.requiredLong("offset").endRecord();
  }

  /** Writes a delete file and returns its length in bytes. Overwrites (a replay writes the same file). */
  public static long write(Configuration conf, Path file, DataType pkType, List<Delete> deletes) {
    Schema schema = schema(pkType);
    try {
      try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
              HadoopOutputFile.fromPath(file, conf))
          .withSchema(schema).withConf(conf).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withPageWriteChecksumEnabled(true).build()) {
        for (Delete d : deletes) {
          GenericRecord r = new GenericData.Record(schema);
          r.put(0, d.pk());
          r.put(1, d.offset());
          w.write(r);
        }
      }
      return file.getFileSystem(conf).getFileStatus(file).getLen();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write delete file " + file, e);
    }
  }

  /** Reads every delete of a file, verifying Parquet page checksums. */
  public static List<Delete> read(Configuration conf, Path file, DataType pkType) {
    Configuration rconf = new Configuration(conf);
    rconf.setBoolean("parquet.page.verify-checksum.enabled", true);
    List<Delete> out = new ArrayList<>();
    try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
            HadoopInputFile.fromPath(file, rconf)).withConf(rconf).build()) {
      GenericRecord rec;
      while ((rec = r.read()) != null) {
        Object pk = rec.get(0);
        out.add(new Delete(pkType == DataType.INT64 ? pk : pk.toString(), (Long) rec.get(1)));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(file.toString(), e.toString(), e);
    }
  }
}
