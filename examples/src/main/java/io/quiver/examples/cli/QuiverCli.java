package io.quiver.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/quiver}: the command line. Every command has {@code --help}; a wrong flag prints one line naming it and
 * the usage; errors are one clear line unless {@code --verbose} asks for the stack trace.
 */
@Command(name = "quiver", mixinStandardHelpOptions = true, versionProvider = QuiverCli.Version.class,
    description = "Quiver: a vector database built from Kafka, Flink, Spark and object storage.",
    subcommands = {io.quiver.examples.quickstart.QuickstartCommand.class, CollectionsCommand.class,
        VersionsCommand.class, ServeCommand.class, IngestCommand.class, SparkJobCommands.Compact.class, SparkJobCommands.Reindex.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class QuiverCli implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
  private static final java.util.logging.Logger JVECTOR_LOG = java.util.logging.Logger.getLogger("io.github.jbellis.jvector");

  public static void main(String[] args) {
    // Libraries that log through java.util.logging would print on the console: keep their warnings, except jvector's
    // notice that JDK 17 has no SIMD (README says so); the logs of everything else go to logs/quiver.log.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    JVECTOR_LOG.setLevel(java.util.logging.Level.SEVERE);
    // The Milvus SDK on this class path carries a second copy of gRPC's epoll library under the resource name of
    // grpc-netty-shaded's own; Netty refuses to pick between two copies and falls back to its NIO transport, so a
    // node started here (serve, quickstart, bench serve) would not run on epoll as the serving distribution does.
    // Let it take the first copy: grpc-netty-shaded's, which precedes the SDK on the class path (examples/pom.xml).
    System.setProperty("io.grpc.netty.shaded.io.netty.native.detectNativeLibraryDuplicates", "false");
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int run(String... args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    CommandLine cli = new CommandLine(new QuiverCli());
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (verbose) {
        ex.printStackTrace(commandLine.getErr());
      } else {
        commandLine.getErr().println("quiver: " + rootMessage(ex) + " (add --verbose for the stack trace)");
      }
      return 1;
    });
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      String message = ex.getMessage();
      // A misspelt option also leaves a required one "missing": name the misspelling, which is the cause.
      CommandLine.ParseResult parsed = c.getParseResult();
      if (ex instanceof CommandLine.MissingParameterException && parsed != null && !parsed.unmatched().isEmpty()) {
        message = "Unknown option: '" + parsed.unmatched().get(0) + "'";
      }
      c.getErr().println("quiver: " + message);
      c.getErr().println(c.getHelp().fullSynopsis().trim());
      return 2;
    });
    return cli.execute(args);
  }

  static String rootMessage(Throwable t) {
    String msg = t.getMessage();
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
      if (c.getMessage() != null) {
        msg = c.getMessage();
      }
    }
    return msg == null ? t.getClass().getSimpleName() : msg;
  }

  /** Reads the version from the jar manifest, falling back to the build's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = QuiverCli.class.getPackage().getImplementationVersion();
      return new String[] {"quiver " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
