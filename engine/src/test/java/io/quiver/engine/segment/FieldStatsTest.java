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
}
