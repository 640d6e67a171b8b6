package io.quiver.engine.wal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShardingTest {
  /** {@code key} placed at offset 3 of a larger buffer, between bytes that are not part of it. */
  private static byte[] embedded(byte[] key) {
    byte[] buf = new byte[key.length + 6];
    Arrays.fill(buf, (byte) 0x5a);
    System.arraycopy(key, 0, buf, 3, key.length);
    return buf;
  }

  @Test
  void isKeyOfMatchesExactlyTheKeyBytes() {
    for (Object pk : new Object[] {0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L, "", "a",
        "caf\u00e9", "\uD83D\uDE00 emoji"}) {
      byte[] key = Sharding.keyBytes(pk);
      byte[] buf = embedded(key);
      assertTrue(Sharding.isKeyOf(pk, buf, 3, key.length), "pk " + pk);
      if (key.length > 0) {
        assertFalse(Sharding.isKeyOf(pk, buf, 3, key.length - 1), "shorter key, pk " + pk);
        assertFalse(Sharding.isKeyOf(pk, buf, 2, key.length), "shifted key, pk " + pk);
      }
      assertFalse(Sharding.isKeyOf(pk, buf, 3, key.length + 1), "longer key, pk " + pk);
    }
    byte[] seven = embedded(Sharding.keyBytes(7L));
    assertFalse(Sharding.isKeyOf(8L, seven, 3, 8));
    assertFalse(Sharding.isKeyOf("7", seven, 3, 8)); // a string key is its UTF-8 bytes, not a long's
  }
}
