package io.quiver.examples.cli;

import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.DataType;
import io.quiver.engine.schema.FieldSchema;
import io.quiver.engine.schema.MetricType;
import io.quiver.engine.schema.SchemaParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schemas on the command line: either a JSON file (the manifest's schema format, see {@link SchemaParser}) given as
 * {@code @schema.json}, or a compact list {@code id:INT64:pk, emb:FLOAT_VECTOR(128):L2, title:VARCHAR(64):null}
 * where the flags after a type are {@code pk}, {@code auto}, {@code null} (nullable), {@code partition} and a metric.
 * {@code +dynamic} anywhere turns the dynamic field on.
 */
final class SchemaSpec {
  private static final Pattern TYPE = Pattern.compile("([A-Za-z_][A-Za-z_0-9]*)(?:\\((\\d+)\\))?");

  private SchemaSpec() {}

  static CollectionSchema parse(String spec) throws IOException {
    String s = spec.trim();
    if (s.startsWith("@")) {
      return SchemaParser.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
          Files.readString(Path.of(s.substring(1)))));
    }
    CollectionSchema.Builder b = CollectionSchema.builder();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.equals("+dynamic")) {
        b.dynamicField(true);
        continue;
      }
      String[] bits = p.split(":");
      if (bits.length < 2) {
        throw new IllegalArgumentException("Bad field '" + p + "': expected name:TYPE[:flags], e.g. emb:FLOAT_VECTOR(128):L2");
      }
      Matcher m = TYPE.matcher(bits[1].trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("Bad type '" + bits[1] + "' of field '" + bits[0] + "'");
      }
      DataType type = DataType.parse(m.group(1));
      int size = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      FieldSchema.Builder f = FieldSchema.builder(bits[0].trim(), type);
      if (type == DataType.FLOAT_VECTOR) {
        f.dim(size);
      } else if (type == DataType.VARCHAR) {
        f.maxLength(size == 0 ? 256 : size);
      }
      for (int i = 2; i < bits.length; i++) {
        String flag = bits[i].trim().toLowerCase(Locale.ROOT);
        switch (flag) {
          case "pk":
            f.primaryKey(true);
            break;
          case "auto":
            f.autoId(true);
            break;
          case "null":
            f.nullable(true);
            break;
          case "partition":
            f.partitionKey(true);
            break;
          default:
            f.metric(MetricType.parse(flag));
        }
      }
      b.add(f.build());
    }
    return b.build();
  }
}
