package io.quiver.examples.cli;

import io.quiver.serving.server.ServingMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quiver serve --config node.properties}: runs one serving node (query node + Milvus API proxy + coordinator
 * candidate) until stopped (SIGTERM/SIGINT shut it down gracefully). The keys are those of {@link ServingMain}, the
 * serving distribution's entry point; {@code serving/src/main/dist/conf/node.properties} is a commented example.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run a Quiver serving node speaking the Milvus API (config: a properties file).")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "Properties file with the node's settings.")
  Path config;

  @Override
  public Integer call() throws Exception {
    ServingMain.serve(ServingMain.parse(config));
    return 0;
  }
}
