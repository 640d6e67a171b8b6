package io.quiver.examples.cli;

import io.quiver.engine.catalog.Catalog;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that name a warehouse, shared by the commands that open one. */
public final class WarehouseOptions {
  @Option(names = {"-w", "--warehouse"}, required = true,
      description = "Warehouse location: a folder, file:///..., hdfs://... or s3a://bucket/path.")
  String warehouse;

  @Option(names = "--hadoop", paramLabel = "KEY=VALUE",
      description = "A Hadoop/S3A setting, e.g. --hadoop fs.s3a.endpoint=http://127.0.0.1:9000 (repeatable).")
  Map<String, String> hadoop = new LinkedHashMap<>();

  public Catalog open() {
    return Catalog.open(warehouse, hadoop);
  }
}
