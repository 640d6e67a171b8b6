package io.quiver.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quiver.engine.wal.Sharding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The open range's record store: bytes in pooled chunks, key chains for last-write-wins, chunk reuse. */
class RawRangeTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteBuffer buf(String s) {
    return s == null ? null : ByteBuffer.wrap(utf8(s));
  }

  @Test
  void recordsReadBackAsWritten_nullsAndRecordsLargerThanAChunkIncluded() {
    RawRange r = new RawRange(new RawRange.Pool(4L << 20), 2);
    byte[] big = new byte[RawRange.CHUNK_BYTES + 17];
    Arrays.fill(big, (byte) 7);
    r.add(10, buf("k1"), buf("v1"));
    r.add(11, null, buf("no key"));
    r.add(12, buf("k3"), null);
    r.add(13, buf("big"), ByteBuffer.wrap(big));
    // Kafka hands records over as views into its fetch response: the bytes between position and limit count
    ByteBuffer response = ByteBuffer.wrap(utf8("..k5after the big one.."));
    ByteBuffer key = response.duplicate().position(2).limit(4);
    ByteBuffer value = response.duplicate().position(4).limit(21);
    r.add(14, key, value);
    assertThat(key.position()).as("the view's position is left as it was").isEqualTo(2);
    assertThat(r.size()).isEqualTo(5);
    assertThat(r.offset(0)).isEqualTo(10);
    assertThat(r.key(0)).isEqualTo(utf8("k1"));
    assertThat(r.value(0)).isEqualTo(utf8("v1"));
    assertThat(r.key(1)).isNull();
    assertThat(r.value(1)).isEqualTo(utf8("no key"));
    assertThat(r.value(2)).isNull();
    assertThat(r.valueLength(2)).isEqualTo(-1);
    assertThat(r.value(3)).isEqualTo(big);
    assertThat(r.key(4)).isEqualTo(utf8("k5"));
    assertThat(r.value(4)).isEqualTo(utf8("after the big one"));
    assertThat(r.offset(4)).isEqualTo(14);
    // a value is read in place from its chunk
    assertThat(Arrays.copyOfRange(r.bytes(0), r.valueStart(0), r.valueStart(0) + r.valueLength(0)))
        .isEqualTo(utf8("v1"));
  }

  @Test
  void keyChainsLinkEachRecordToTheClosestEarlierRecordOfItsKey() {
    RawRange r = new RawRange(new RawRange.Pool(1L << 20), 16);
    String[] keys = {"a", "b", "a", null, "b", "a", "ab", null};
    for (int i = 0; i < keys.length; i++) {
      r.add(i, buf(keys[i]), buf("v" + i));
    }
    assertThat(r.previousOfSameKey()).containsExactly(-1, -1, 0, -1, 1, 2, -1, -1);
  }

  @Test
  void keyChainsOfManySequentialNumericKeys_withSomeWrittenAgain() {
    int n = 200_000;
    RawRange r = new RawRange(new RawRange.Pool(64L << 20), 1024);
    Map<Long, Integer> last = new HashMap<>();
    int[] expected = new int[n + n / 10];
    for (int i = 0; i < expected.length; i++) {
      long id = i < n ? i : (i - n) * 10L; // every tenth key written a second time at the end
      expected[i] = last.getOrDefault(id, -1);
      last.put(id, i);
      r.add(i, ByteBuffer.wrap(Sharding.keyBytes(id)), ByteBuffer.wrap(new byte[] {(byte) i}));
    }
    assertThat(r.previousOfSameKey()).isEqualTo(expected);
  }

  @Test
  void releasedChunksAreHandedOutAgain() {
    RawRange.Pool pool = new RawRange.Pool(8L << 20);
    RawRange r = new RawRange(pool, 4);
    r.add(0, buf("k"), buf("v"));
    byte[] chunk = r.bytes(0);
    r.release();
    RawRange next = new RawRange(pool, 4);
    next.add(1, buf("k"), buf("w"));
    assertThat(next.bytes(0)).isSameAs(chunk);
    assertThat(next.value(0)).isEqualTo(utf8("w"));
  }
}
