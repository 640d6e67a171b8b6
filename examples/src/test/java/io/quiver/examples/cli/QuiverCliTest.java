package io.quiver.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuiverCliTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = QuiverCli.run(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
    out.add(prefix);
    cl.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> p = new ArrayList<>(prefix);
        p.add(name);
        collect(sub, p, out);
      }
    });
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new QuiverCli()), List.of(), paths);
    assertThat(paths).hasSizeGreaterThan(8);
    for (List<String> p : paths) {
      List<String> args = new ArrayList<>(p);
      args.add("--help");
      Result r = run(args.toArray(String[]::new));
      assertThat(r.code()).as("exit code of %s", args).isZero();
      assertThat(r.out()).as("help of %s", args).contains("Usage: quiver");
    }
  }

  @Test
  void aWrongFlagIsOneLineNamingItPlusTheUsage() {
    Result r = run("collections", "list", "--wharehouse", "/tmp/x");
    assertThat(r.code()).isEqualTo(2);
    String[] lines = r.err().strip().split("\n");
    assertThat(lines[0]).startsWith("quiver: ").contains("--wharehouse");
    assertThat(r.err()).contains("Usage: quiver collections list");
  }

  @Test
  void errorsAreOneLineWithoutAStackTrace() {
    Result r = run("collections", "describe", "nope", "-w", System.getProperty("java.io.tmpdir") + "/quiver-cli-empty");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("quiver: Collection 'nope' does not exist").doesNotContain("\tat ");
  }
}
