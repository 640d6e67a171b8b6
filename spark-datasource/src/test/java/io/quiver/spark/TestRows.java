package io.quiver.spark;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.MetricType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The test collection's schema and seeded rows as Spark sees them. */
final class TestRows {
  static final int DIM = 8;

  private TestRows() {}

  /** id BIGINT pk, emb ARRAY<FLOAT>(8, L2), title STRING nullable, year INT, score FLOAT nullable. */
  static CollectionSchema schema() {
    return CollectionSchema.builder()
        .int64PrimaryKey("id", false)
        .vector("emb", DIM, MetricType.L2)
        .varchar("title", 64, true)
        .add(io.quiver.engine.schema.FieldSchema.builder("year", DataType.INT32).build())
        .scalar("score", DataType.FLOAT)
        .build();
  }

  static StructType sparkSchema() {
    return new StructType()
        .add("id", DataTypes.LongType, false)
        .add("emb", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("title", DataTypes.StringType, true)
        .add("year", DataTypes.IntegerType, false)
        .add("score", DataTypes.FloatType, true);
  }

  static Row row(long id, int version) {
    Random r = new Random(id * 31 + version);
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = r.nextFloat();
    }
    return RowFactory.create(id, toList(v), id % 7 == 0 ? null : "doc " + id + " v" + version,
        (int) (1990 + id % 30), id % 5 == 0 ? null : (float) (id + version));
  }

  static List<Row> rows(long from, long to, int version) {
    List<Row> out = new ArrayList<>();
    for (long id = from; id < to; id++) {
      out.add(row(id, version));
    }
    return out;
  }

  static Dataset<Row> df(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, sparkSchema());
  }

  static List<Float> toList(float[] v) {
    List<Float> out = new ArrayList<>();
    for (float f : v) {
      out.add(f);
    }
    return out;
  }

  /** Rows as comparable strings, sorted by id (vectors included). */
  static List<String> canonical(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(r -> r.getLong(0)));
    List<String> out = new ArrayList<>();
    for (Row r : sorted) {
      Object[] vals = new Object[r.size()];
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        if (v instanceof scala.collection.Seq) {
          v = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v).toString();
        } else if (v instanceof List) {
          v = v.toString();
        }
        vals[i] = v;
      }
      out.add(Arrays.toString(vals));
    }
    return out;
  }
}
