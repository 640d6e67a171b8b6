package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WalFetcherTest {
  @Test
  void aCaughtUpEndIsOnePastTheLastRecordNotPastATransactionMarker() {
    // records 0..9, commit marker at 10, position 11: nothing more to come after record 9
    assertThat(WalFetcher.endOffset(11, 0, 9L)).isEqualTo(10);
    // not caught up: position + lag, whatever the last record was
    assertThat(WalFetcher.endOffset(11, 5, 9L)).isEqualTo(16);
    // nothing read yet
    assertThat(WalFetcher.endOffset(3, 0, null)).isEqualTo(3);
    assertThat(WalFetcher.endOffset(0, 7, null)).isEqualTo(7);
  }
}
