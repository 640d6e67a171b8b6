package io.quiver.examples.bench;

import io.quiver.embedded.EmbeddedS3;
import io.quiver.embedded.TempDirs;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.schema.AvroSchemas;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.Row;
import io.quiver.engine.segment.SegmentData;
import io.quiver.engine.segment.SegmentFiles;
import io.quiver.engine.segment.SegmentReader;
import io.quiver.engine.segment.SegmentWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.RootAllocator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver bench io}: segment write and read throughput against raw parquet-avro writing and reading the same
 * rows, in the same run, on the local file system and on S3 (S3Proxy through S3A).
 *
 * <p>Quiver's path: {@link SegmentWriter} (validated rows to Parquet + stats file) and {@link SegmentReader} (Parquet
 * to Arrow scalars and one contiguous float buffer per vector field, checksums verified). The baseline: an
 * {@link AvroParquetWriter} of plain Avro records with the same fields, Snappy for every column (Quiver's segments
 * leave vector columns uncompressed), and an
 * {@link AvroParquetReader} iterating every record. Each measurement is the best of {@code --repeat} runs, the
 * order alternating so neither side always runs on a warmer JVM.
 */
@Command(name = "io", mixinStandardHelpOptions = true,
    description = "Segment write/read throughput vs raw parquet-avro on the local FS and on S3Proxy via S3A.")
public final class IoBench implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "100000", description = "Rows per run (default ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--repeat", defaultValue = "3", description = "Runs per measurement, best kept (default ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--fs", defaultValue = "local,s3", split = ",",
      description = "File systems to measure: local, s3 (default ${DEFAULT-VALUE}).")
  List<String> fileSystems;

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || dim < 1 || repeat < 1) {
      throw new IllegalArgumentException("--rows, --dim and --repeat must be positive");
    }
    CollectionSchema schema = CollectionSchema.builder()
        .int64PrimaryKey("id", false)
        .vector("emb", dim, MetricType.L2)
        .varchar("title", 64, true)
        .scalar("year", DataType.INT32)
        .build();
    Progress.say("Generating %,d rows x %d-d ...", rows, dim);
    List<Row> data = generate(schema, rows, dim);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rows", rows);
    result.put("dim", dim);
    for (String fsName : fileSystems) {
      switch (fsName.trim().toLowerCase(Locale.ROOT)) {
        case "local": {
          java.nio.file.Path dir = Files.createTempDirectory("quiver-bench-io");
          try {
            result.put("local", measure("local", dir.toUri().toString(), Map.of(), schema, data));
          } finally {
            TempDirs.deleteQuietly(dir);
          }
          break;
        }
        case "s3": {
          try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            result.put("s3", measure("s3", s3.warehouseUri("bench"), s3.hadoopProperties(), schema, data));
          }
          break;
        }
        default:
          throw new IllegalArgumentException("Unknown --fs '" + fsName + "': expected local or s3");
      }
    }
    System.out.println(Json.write(result));
    return 0;
  }

  private Map<String, Object> measure(String name, String warehouse, Map<String, String> props,
      CollectionSchema schema, List<Row> data) throws IOException {
    Catalog catalog = Catalog.open(warehouse, props);
    Configuration conf = catalog.conf();
    Path collection = catalog.collectionDir("bench");
    Schema rawSchema = AvroSchemas.rowSchema(schema);
    Path rawFile = new Path(warehouse + "/raw/data.parquet");
    double qWrite = Double.MAX_VALUE;
    double rWrite = Double.MAX_VALUE;
    double qRead = Double.MAX_VALUE;
    double rRead = Double.MAX_VALUE;
    Progress.say("[%s] warm-up", name);
    writeQuiver(conf, collection, schema, data);
    readQuiver(conf, collection, schema);
    writeRaw(conf, rawFile, rawSchema, data);
    readRaw(conf, rawFile);
    for (int i = 0; i < repeat; i++) {
      Progress.say("[%s] run %d/%d", name, i + 1, repeat);
      boolean quiverFirst = i % 2 == 0;
      for (int side = 0; side < 2; side++) {
        if ((side == 0) == quiverFirst) {
          qWrite = Math.min(qWrite, time(() -> writeQuiver(conf, collection, schema, data)));
          qRead = Math.min(qRead, time(() -> readQuiver(conf, collection, schema)));
        } else {
          rWrite = Math.min(rWrite, time(() -> writeRaw(conf, rawFile, rawSchema, data)));
          rRead = Math.min(rRead, time(() -> readRaw(conf, rawFile)));
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("write_ratio", round(rWrite / qWrite));
    out.put("read_ratio", round(rRead / qRead));
    out.put("quiver_write_rows_per_s", Math.round(data.size() / qWrite));
    out.put("raw_write_rows_per_s", Math.round(data.size() / rWrite));
    out.put("quiver_read_rows_per_s", Math.round(data.size() / qRead));
    out.put("raw_read_rows_per_s", Math.round(data.size() / rRead));
    System.err.printf(Locale.ROOT, "%-6s write: quiver %,10.0f rows/s  raw %,10.0f rows/s  ratio %.2f%n", name,
        data.size() / qWrite, data.size() / rWrite, rWrite / qWrite);
    System.err.printf(Locale.ROOT, "%-6s read:  quiver %,10.0f rows/s  raw %,10.0f rows/s  ratio %.2f%n", name,
        data.size() / qRead, data.size() / rRead, rRead / qRead);
    return out;
  }

  private static final String SEGMENT = "bench-segment";

  private static void writeQuiver(Configuration conf, Path collection, CollectionSchema schema, List<Row> data) {
    try (SegmentWriter w = SegmentWriter.create(conf, collection, schema, SEGMENT, "_default", 0)) {
      long off = 0;
      for (Row r : data) {
        w.write(r, 0, off++);
      }
      w.finish();
    }
  }

  private static void readQuiver(Configuration conf, Path collection, CollectionSchema schema) {
    try (RootAllocator allocator = new RootAllocator();
        SegmentData d = SegmentReader.read(conf, SegmentFiles.segmentDir(collection, SEGMENT), schema, allocator,
            null)) {
      if (d.rowCount() == 0) {
        throw new IllegalStateException("empty read");
      }
    }
  }

  /** The baseline: the same rows turned into plain Avro records and written by parquet-avro. */
  private static void writeRaw(Configuration conf, Path file, Schema schema, List<Row> rows) {
    List<GenericRecord> records = rawRecords(schema, rows);
    try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(
            HadoopOutputFile.fromPath(file, conf))
        .withSchema(schema).withConf(conf).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (GenericRecord r : records) {
        w.write(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readRaw(Configuration conf, Path file) {
    long n = 0;
    try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
        HadoopInputFile.fromPath(file, conf)).withConf(conf).build()) {
      while (r.read() != null) {
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (n == 0) {
      throw new IllegalStateException("empty read");
    }
  }

  private static List<Row> generate(CollectionSchema schema, int rows, int dim) {
    Random rnd = new Random(42);
    List<Row> out = new ArrayList<>(rows);
    for (long id = 0; id < rows; id++) {
      float[] v = new float[dim];
      for (int i = 0; i < dim; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("emb", v);
      m.put("title", "title " + id);
      m.put("year", 1990 + (int) (id % 35));
      out.add(Row.of(schema, m));
    }
    return out;
  }

  private static List<GenericRecord> rawRecords(Schema avro, List<Row> data) {
    List<GenericRecord> out = new ArrayList<>(data.size());
    Schema arraySchema = avro.getField("emb").schema();
    for (Row r : data) {
      GenericRecord g = new GenericData.Record(avro);
      g.put("id", r.get(0));
      float[] v = (float[]) r.get(1);
      GenericData.Array<Float> arr = new GenericData.Array<>(v.length, arraySchema);
      for (float f : v) {
        arr.add(f);
      }
      g.put("emb", arr);
      g.put("title", r.get(2));
      g.put("year", r.get(3));
      out.add(g);
    }
    return out;
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

}
