package io.quiver.examples.cli;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.IndexSpec;
import io.quiver.engine.catalog.Manifest;
import io.quiver.engine.schema.CollectionSchema;
import io.quiver.engine.schema.FieldSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quiver collections list|describe|create|drop}. */
@Command(name = "collections", mixinStandardHelpOptions = true, description = "List, describe, create and drop collections.",
    subcommands = {CollectionsCommand.List.class, CollectionsCommand.Describe.class, CollectionsCommand.Create.class,
        CollectionsCommand.Drop.class})
public final class CollectionsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Collections of a warehouse.")
  static final class List implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Override
    public Integer call() {
      Catalog c = warehouse.open();
      for (String name : c.list()) {
        Manifest m = c.current(name);
        System.out.printf("%-30s v%-6d %3d shards %6d segments %,12d rows%n", name, m.version(), m.shards(),
            m.segments().size(), m.totalRows());
      }
      return 0;
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true, description = "Schema, indexes and state of a collection.")
  static final class Describe implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String name;

    @Override
    public Integer call() {
      Manifest m = warehouse.open().current(name);
      System.out.println("collection " + m.collection() + "  version " + m.version() + "  snapshot " + m.snapshotId());
      System.out.println("shards     " + m.shards() + "  partitions " + m.partitions());
      System.out.println("schema     v" + m.schema().version() + (m.schema().dynamicField() ? " (+dynamic)" : ""));
      for (FieldSchema f : m.schema().fields()) {
        System.out.println("  " + f);
      }
      m.indexSpecs().forEach((f, s) -> System.out.println("index      " + f + ": " + s.kind() + " " + s.params()));
      System.out.println("segments   " + m.segments().size() + " (" + m.totalRows() + " rows before deletes), "
          + m.deleteFiles().size() + " delete files");
      System.out.println("offsets    " + m.committedOffsets());
      System.out.println("tags       " + m.tags());
      return 0;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a collection.")
  static final class Create implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String name;

    @Option(names = "--schema", required = true, description = "Fields, e.g. 'id:INT64:pk,emb:FLOAT_VECTOR(128):L2,"
        + "title:VARCHAR(64):null,+dynamic', or @file.json.")
    String schema;

    @Option(names = "--shards", defaultValue = "1", description = "WAL shards (Kafka partitions), default ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--index", paramLabel = "FIELD=KIND", description = "Index kind per vector field (FLAT, GRAPH, GRAPH_PQ).")
    Map<String, String> indexes = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      CollectionSchema s = SchemaSpec.parse(schema);
      Map<String, IndexSpec> specs = new LinkedHashMap<>();
      indexes.forEach((f, k) -> specs.put(f, new IndexSpec(k.toUpperCase(java.util.Locale.ROOT), Map.of())));
      Manifest m = warehouse.open().create(name, s, shards, specs, Map.of());
      System.out.println("created " + m.collection() + " (v" + m.version() + ")");
      return 0;
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a collection and every file of it.")
  static final class Drop implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String name;

    @Override
    public Integer call() {
      warehouse.open().drop(name);
      System.out.println("dropped " + name);
      return 0;
    }
  }
}
