package io.quiver.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code quiver bench ann} end to end on a small generated set: every engine reports, the last line is JSON. */
class AnnBenchCommandTest {
  @Test
  void smallGeneratedRunEndsWithOneJsonLine() throws Exception {
    BenchRun run = BenchRun.of("bench", "ann", "--generate", "1500,16,6,3", "--queries", "40", "--widths", "10,40",
        "--rounds", "1", "--warmup-seconds", "0", "--measure-seconds", "0", "--filter-selectivity", "0.5",
        "--metric", "COSINE", "--max-degree", "16", "--beam-width", "40");
    assertThat(run.code()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("n").asInt()).isEqualTo(1500);
    for (String engine : new String[] {"quiver", "jvector", "lucene", "brute"}) {
      JsonNode e = json.get(engine);
      assertThat(e).as(engine).isNotNull();
      assertThat(e.get("results").size()).as(engine).isEqualTo(engine.equals("brute") ? 1 : 2);
      assertThat(e.get("results").get(0).get("qps").asDouble()).as(engine).isPositive();
    }
    assertThat(json.get("brute").get("results").get(0).get("recall").asDouble()).isEqualTo(1.0);
    assertThat(json.get("quiver").get("results").get(1).get("recall").asDouble()).isGreaterThan(0.9);
  }
}
