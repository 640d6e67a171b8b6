package io.quiver.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which CPUs the serve bench gives the node and its SDK client. */
class CpuSplitTest {
  @Test
  void autoGivesTheClientTheLastCpu() {
    assertThat(CpuSplit.of("auto", List.of(0, 1))).isEqualTo(new CpuSplit("0", "1"));
    assertThat(CpuSplit.of("auto", List.of(2, 3, 4, 7))).isEqualTo(new CpuSplit("2,3,4", "7"));
    assertThat(CpuSplit.of("auto", List.of(0))).as("one CPU: nothing to split").isNull();
    assertThat(CpuSplit.of("auto", List.of())).as("unknown").isNull();
    assertThat(CpuSplit.of("none", List.of(0, 1, 2))).isNull();
  }

  @Test
  void explicitListsAreCheckedAgainstTheAllowedCpus() {
    assertThat(CpuSplit.of("6-7", List.of(0, 1, 2, 3, 4, 5, 6, 7))).isEqualTo(new CpuSplit("0,1,2,3,4,5", "6,7"));
    assertThat(CpuSplit.of("0,2", List.of(0, 1, 2, 3))).isEqualTo(new CpuSplit("1,3", "0,2"));
    assertThatThrownBy(() -> CpuSplit.of("5", List.of(0, 1))).hasMessageContaining("may only use CPUs 0,1");
    assertThatThrownBy(() -> CpuSplit.of("0-1", List.of(0, 1))).hasMessageContaining("leaves no CPU for the node");
    assertThatThrownBy(() -> CpuSplit.of("x", List.of(0, 1))).hasMessageContaining("'x' is no CPU list");
  }

  @Test
  void parsesTasksetLists() {
    assertThat(CpuSplit.parse("0-3,6")).containsExactly(0, 1, 2, 3, 6);
    assertThat(CpuSplit.parse(" 1 ")).containsExactly(1);
    assertThatThrownBy(() -> CpuSplit.parse("3-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CpuSplit.parse("1-2-3")).isInstanceOf(IllegalArgumentException.class);
  }
}
