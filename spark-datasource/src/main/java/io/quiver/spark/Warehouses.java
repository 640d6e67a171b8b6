package io.quiver.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.io.ChecksummedJson;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.SchemaParser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Per-JVM shared objects of the Spark side (driver and executors): one {@link Catalog} per (warehouse, Hadoop
 * settings), one Arrow root allocator, and schema (de)serialization for shipping to tasks.
 */
public final class Warehouses {
  private static final Map<String, Catalog> CATALOGS = new ConcurrentHashMap<>();
  private static final BufferAllocator ROOT = new RootAllocator();

  private Warehouses() {}

  /** The catalog of {@code warehouse} with {@code conf}'s settings, cached per JVM. */
  public static Catalog catalog(String warehouse, HadoopConf conf) {
    return CATALOGS.computeIfAbsent(warehouse + "\u0000" + conf.properties(),
        k -> Catalog.open(warehouse, conf.conf()));
  }

  /** A child allocator for one task; close it when the task ends. */
  public static BufferAllocator allocator(String name) {
    return ROOT.newChildAllocator(name, 0, Long.MAX_VALUE);
  }

  public static String schemaJson(CollectionSchema schema) {
    return SchemaParser.toJson(schema).toString();
  }

  public static CollectionSchema schema(String json) {
    try {
      return SchemaParser.fromJson(ChecksummedJson.MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot parse a shipped collection schema", e);
    }
  }
}
