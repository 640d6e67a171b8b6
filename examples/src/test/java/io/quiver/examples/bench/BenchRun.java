package io.quiver.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.examples.cli.QuiverCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@code quiver} command run in this JVM, its standard output captured: exit code and its last line as JSON. */
record BenchRun(int code, JsonNode json) {
  static BenchRun of(String... args) throws IOException {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = QuiverCli.run(args);
    } finally {
      System.setOut(saved);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
    return new BenchRun(code, new ObjectMapper().readTree(lines[lines.length - 1]));
  }
}
