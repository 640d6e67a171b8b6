package io.quiver.engine.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FieldStatsTest {
  /** The order Parquet and the filter pruner use: the strings' UTF-8 bytes, unsigned. */
  private static int utf8Order(String a, String b) {
    return Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
        b.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void stringsCompareByCodePointLikeTheirUtf8Bytes() {
    String[] tricky = {"", "a", "ab", "b", "\uE000", "\uFFFF", "\uD800\uDC00", "\uD800\uDC01", "\uDBFF\uDFFF",
        "a\uD83D\uDE00", "a\uFB01", "a\uD83D\uDE01b", "t9", "t10", "\u00E9", "e\u0301"};
    for (String a : tricky) {
      for (String b : tricky) {
        assertEquals(utf8Order(a, b), Integer.signum(FieldStats.Collector.compareCodePoints(a, b)), a + " vs " + b);
      }
    }
    // random strings drawn from ASCII, the BMP's upper end and supplementary code points, sharing prefixes
    SplittableRandom random = new SplittableRandom(7);
    int[] pool = {'a', 'b', 0x7F, 0xE9, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x1F600, 0x10FFFF};
    for (int i = 0; i < 20_000; i++) {
      String a = randomString(random, pool);
      String b = random.nextInt(3) == 0 ? a + randomString(random, pool) : randomString(random, pool);
      assertEquals(utf8Order(a, b), Integer.signum(FieldStats.Collector.compareCodePoints(a, b)), a + " vs " + b);
    }
  }

  @Test
  void collectorKeepsMinMaxAndNulls() {
    FieldStats.Collector c = new FieldStats.Collector(true);
    for (String s : new String[] {"t5", null, "\uE000", "t10", "\uD83D\uDE00", null, "a"}) {
      c.add(s);
    }
    FieldStats stats = c.build();
    assertEquals("a", stats.min());
    assertEquals("\uD83D\uDE00", stats.max()); // a supplementary code point sorts after U+E000, unlike in UTF-16
    assertEquals(2, stats.nullCount());
  }

  private static String randomString(SplittableRandom random, int[] pool) {
    StringBuilder sb = new StringBuilder();
    for (int n = random.nextInt(4); n > 0; n--) {
      sb.appendCodePoint(pool[random.nextInt(pool.length)]);
    }
    return sb.toString();
  }

  /** The byte compare of text in a record's bytes agrees with the unsigned order, short (the loop) or long. */
  @Test
  void utf8BytesInPlaceCompareUnsigned_shortAndLong() {
    SplittableRandom random = new SplittableRandom(11);
    byte[] alphabet = {0, 'a', 'b', 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xFF};
    for (int i = 0; i < 20_000; i++) {
      byte[] a = randomBytes(random, alphabet, random.nextInt(3) == 0 ? 40 : 6);
      byte[] b = random.nextInt(3) == 0 ? Arrays.copyOf(a, random.nextInt(a.length + 3))
          : randomBytes(random, alphabet, random.nextInt(3) == 0 ? 40 : 6);
      byte[] padded = new byte[a.length + 5]; // the text sits inside a larger buffer, as in a record
      System.arraycopy(a, 0, padded, 3, a.length);
      assertEquals(Integer.signum(Arrays.compareUnsigned(a, b)),
          Integer.signum(FieldStats.Collector.compareUtf8(padded, 3, a.length, b)),
          Arrays.toString(a) + " vs " + Arrays.toString(b));
    }
  }

  private static byte[] randomBytes(SplittableRandom random, byte[] alphabet, int maxLength) {
    byte[] b = new byte[random.nextInt(maxLength + 1)];
    for (int i = 0; i < b.length; i++) {
      b[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return b;
  }
}
