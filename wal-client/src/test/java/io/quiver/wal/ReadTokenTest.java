package io.quiver.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadTokenTest {
  @Test
  void roundTripsThroughItsCompactString() {
    ReadToken t = ReadToken.of(Map.of(3, 77L, 0, 1834L));
    assertThat(t.toString()).isEqualTo("q1:0.1834_3.77");
    assertThat(ReadToken.parse(t.toString())).isEqualTo(t);
    assertThat(ReadToken.parse("q1:")).isEqualTo(ReadToken.EMPTY);
  }

  @Test
  void mergesByTheGreaterOffsetPerShard() {
    ReadToken a = ReadToken.of(Map.of(0, 5L, 1, 9L));
    ReadToken b = ReadToken.of(Map.of(1, 3L, 2, 4L));
    assertThat(a.merge(b).offsets()).containsExactly(Map.entry(0, 5L), Map.entry(1, 9L), Map.entry(2, 4L));
    assertThat(a.isCoveredBy(Map.of(0, 5L, 1, 10L))).isTrue();
    assertThat(a.isCoveredBy(Map.of(0, 4L, 1, 10L))).isFalse();
  }

  @Test
  void refusesMalformedTokensWithTheReason() {
    assertThatThrownBy(() -> ReadToken.parse("0.5")).hasMessageContaining("must start with 'q1:'");
    assertThatThrownBy(() -> ReadToken.parse("q1:0.5_x")).hasMessageContaining("'x' is not <shard>.<offset>");
    assertThatThrownBy(() -> ReadToken.parse("q1:0.5_0.6")).hasMessageContaining("shard 0 appears twice");
    assertThatThrownBy(() -> ReadToken.parse("q1:0.-5")).hasMessageContaining("non-negative");
  }
}
