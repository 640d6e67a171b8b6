package io.quiver.examples.cli;

import io.quiver.engine.catalog.Catalog;
import io.quiver.engine.catalog.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quiver versions list|tag|expire}: time travel housekeeping. */
@Command(name = "versions", mixinStandardHelpOptions = true, description = "List, tag and expire collection versions.",
    subcommands = {VersionsCommand.ListVersions.class, VersionsCommand.Tag.class, VersionsCommand.Expire.class})
public final class VersionsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Retained versions, oldest first.")
  static final class ListVersions implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String name;

    @Override
    public Integer call() {
      Manifest m = warehouse.open().current(name);
      for (Manifest.HistoryEntry h : m.history()) {
        System.out.printf("v%-6d %s  snapshot %d%s%n", h.version(), Instant.ofEpochMilli(h.timestampMillis()),
            h.snapshotId(), tags(m, h.version()));
      }
      System.out.printf("v%-6d %s  snapshot %d%s  (current) %s%n", m.version(), Instant.ofEpochMilli(m.timestampMillis()),
          m.snapshotId(), tags(m, m.version()), m.summary());
      return 0;
    }

    private static String tags(Manifest m, long version) {
      List<String> t = m.tags().entrySet().stream().filter(e -> e.getValue() == version).map(e -> e.getKey()).toList();
      return t.isEmpty() ? "" : "  tags " + t;
    }
  }

  @Command(name = "tag", mixinStandardHelpOptions = true, description = "Tag a version (the current one by default).")
  static final class Tag implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String name;

    @Parameters(index = "1", description = "Tag name.")
    String tag;

    @Option(names = "--at", paramLabel = "VERSION", description = "Version to tag (default: current).")
    Long version;

    @Override
    public Integer call() {
      Catalog c = warehouse.open();
      long v = version == null ? c.current(name).version() : version;
      c.committer(name).tag(tag, v);
      System.out.println("tagged v" + v + " of " + name + " as '" + tag + "'");
      return 0;
    }
  }

  @Command(name = "expire", mixinStandardHelpOptions = true,
      description = "Expire old versions, then delete files no retained version reaches.")
  static final class Expire implements Callable<Integer> {
    @Mixin WarehouseOptions warehouse;

    @Parameters(index = "0", description = "Collection name.")
    String name;

    @Option(names = "--older-than", defaultValue = "P7D", description = "ISO-8601 duration (default ${DEFAULT-VALUE}).")
    Duration olderThan;

    @Option(names = "--retain-last", defaultValue = "1", description = "Versions always kept (default ${DEFAULT-VALUE}).")
    int retainLast;

    @Option(names = "--orphan-grace", defaultValue = "PT24H",
        description = "Only unreferenced files older than this are deleted (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() {
      Catalog c = warehouse.open();
      long now = System.currentTimeMillis();
      List<Long> expired = c.maintenance(name).expireVersions(now - olderThan.toMillis(), retainLast);
      List<String> removed = c.maintenance(name).removeOrphanFiles(now - grace.toMillis());
      System.out.println("expired versions " + expired + ", removed " + removed.size() + " files");
      return 0;
    }
  }
}
