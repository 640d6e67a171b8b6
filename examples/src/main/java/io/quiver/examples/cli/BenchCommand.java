package io.quiver.examples.cli;

import io.quiver.examples.bench.AnnBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quiver bench ...}: the benchmark runners. Each ends with one JSON line holding every figure. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark runners; each measures its baseline in the same run and ends with one JSON line.",
    subcommands = {io.quiver.examples.bench.IoBench.class, AnnBenchCommand.class,
        io.quiver.examples.bench.IngestBench.class, io.quiver.examples.bench.SparkReadBench.class,
        io.quiver.examples.bench.ReindexBench.class, io.quiver.examples.bench.ServeBench.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
