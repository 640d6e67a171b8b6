package io.quiver.engine.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quiver.engine.filter.LikePattern.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LikePatternTest {
  private static final List<String> VALUES = List.of("", "a", "ab", "abc", "abcabc", "a%c", "a_c", "a\\c", "xabcx",
      "a\tc", "a\ud83d\ude00c", "\u00fcber", "(x)y", "a.c", "ABC", "%", "_");

  @ParameterizedTest(name = "[{index}] {0} is {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "abc         | EXACT   | abc",
      "``          | EXACT   | ``",
      "ab%         | PREFIX  | ab",
      "ab%%        | PREFIX  | ab",
      "%           | PREFIX  | ``",
      "%%%         | PREFIX  | ``",
      "%bc         | SUFFIX  | bc",
      "%b%         | INFIX   | b",
      "%%b%%       | INFIX   | b",
      "a\\_c       | EXACT   | a_c",
      "\\%ab%      | PREFIX  | %ab",
      "%a\\%       | SUFFIX  | a%",
      "a\\\\%      | PREFIX  | a\\",
      "a_c         | GENERAL | ``",
      "a%c         | GENERAL | ``",
      "_%          | GENERAL | ``",
  })
  void classifiesFastPaths(String pattern, Kind kind, String literal) {
    LikePattern p = LikePattern.compile(pattern);
    assertThat(p.kind()).isEqualTo(kind);
    if (kind != Kind.GENERAL) {
      assertThat(p.literal()).isEqualTo(literal);
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "abc      | abc",
      "ab%      | ab,abc,abcabc",
      "%c       | abc,abcabc,a%c,a_c,a\\c,a\tc,a\ud83d\ude00c,a.c",
      "%bc%     | abc,abcabc,xabcx",
      "a_c      | abc,a%c,a_c,a\\c,a\tc,a\ud83d\ude00c,a.c",
      "a%c      | abc,abcabc,a%c,a_c,a\\c,a\tc,a\ud83d\ude00c,a.c",
      "a\\%c    | a%c",
      "a\\_c    | a_c",
      "a\\\\c   | a\\c",
      "a.c      | a.c",
      "(x)%     | (x)y",
      "\u00fc%  | \u00fcber",
      "_        | a,%,_",
      "__       | ab",
      "%\\%     | %",
      "ABC      | ABC",
      "``       | ``",
  })
  void matchesWholeValuesCaseSensitively(String pattern, String expected) {
    LikePattern p = LikePattern.compile(pattern);
    List<String> want = expected.isEmpty() ? List.of("") : List.of(expected.split(","));
    if (pattern.isEmpty()) {
      want = List.of("");
    }
    List<String> got = VALUES.stream().filter(p::matches).toList();
    assertThat(got).as("values matching %s", pattern).containsExactlyInAnyOrderElementsOf(want);
  }

  @Test
  void utf8MatchingAgreesWithStringMatching() {
    List<String> patterns = List.of("abc", "ab%", "%c", "%bc%", "a_c", "a%c", "%\ud83d\ude00%", "\u00fc%", "%", "",
        "a\\%c", "%\\%", "a\ud83d\ude00c");
    try (BufferAllocator allocator = new RootAllocator(); VarCharVector v = new VarCharVector("v", allocator)) {
      v.allocateNew();
      for (int i = 0; i < VALUES.size(); i++) {
        v.setSafe(i, VALUES.get(i).getBytes(StandardCharsets.UTF_8));
      }
      v.setValueCount(VALUES.size());
      for (String pattern : patterns) {
        LikePattern p = LikePattern.compile(pattern);
        for (int i = 0; i < VALUES.size(); i++) {
          int start = v.getStartOffset(i);
          assertThat(p.matchesUtf8(v.getDataBuffer(), start, v.getEndOffset(i) - start))
              .as("%s on %s", pattern, VALUES.get(i)).isEqualTo(p.matches(VALUES.get(i)));
        }
      }
    }
  }

  @Test
  void wildcardsMatchLineBreaks() {
    assertThat(LikePattern.compile("a_c").matches("a\nc")).isTrue();
    assertThat(LikePattern.compile("a%c").matches("a\n\nc")).isTrue();
  }

  @Test
  void escapeMakesTextLiteral() {
    String text = "50%_off\\now";
    assertThat(LikePattern.escape(text)).isEqualTo("50\\%\\_off\\\\now");
    LikePattern exact = LikePattern.compile(LikePattern.escape(text));
    assertThat(exact.kind()).isEqualTo(Kind.EXACT);
    assertThat(exact.matches(text)).isTrue();
    assertThat(exact.matches("50x_off\\now")).isFalse();
  }

  @Test
  void refusesUnfinishedEscape() {
    assertThatThrownBy(() -> LikePattern.compile("ab\\"))
        .hasMessage("the like pattern \"ab\\\" ends with an unfinished escape '\\'");
  }

  @Test
  void nonStringsAreFalseAndNullIsUnknown() {
    LikePattern p = LikePattern.compile("%");
    assertThat(p.test(null)).isNull();
    assertThat(p.test(3L)).isFalse();
    assertThat(p.test("x")).isTrue();
  }
}
