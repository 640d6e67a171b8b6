package io.quiver.engine.filter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.annotation.Nullable;
import org.apache.arrow.memory.ArrowBuf;

/**
 * A compiled {@code like} pattern: {@code %} matches any run of characters (also none), {@code _} exactly one
 * character (Unicode code point), and a backslash makes the next character literal ({@code \%}, {@code \_},
 * {@code \\}). Matching is case-sensitive and covers the whole value.
 *
 * <p>Patterns made only of literal text and {@code %} at the ends take a fast path that compares UTF-8 bytes in place
 * (no decoding): exact ({@code "ab"}), prefix ({@code "ab%"}), suffix ({@code "%ab"}) and infix ({@code "%ab%"}).
 * Everything else ({@code _}, inner {@code %}) compiles to a regular expression over the decoded string.
 */
final class LikePattern {
  /** How a pattern is matched. */
  enum Kind { EXACT, PREFIX, SUFFIX, INFIX, GENERAL }

  private final Kind kind;
  private final String literal;
  private final byte[] literalUtf8;
  @Nullable private final Pattern regex;

  private LikePattern(Kind kind, String literal, @Nullable Pattern regex) {
    this.kind = kind;
    this.literal = literal;
    this.literalUtf8 = literal.getBytes(StandardCharsets.UTF_8);
    this.regex = regex;
  }

  /**
   * Compiles a pattern.
   *
   * @throws IllegalArgumentException when the pattern ends in an unfinished escape
   */
  static LikePattern compile(String pattern) {
    // Items: a String (literal run), '%' or '_' (Characters).
    List<Object> items = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        if (i + 1 == pattern.length()) {
          throw new IllegalArgumentException("the like pattern \"" + pattern + "\" ends with an unfinished escape '\\'");
        }
        run.append(pattern.charAt(++i));
      } else if (c == '%' || c == '_') {
        if (run.length() > 0) {
          items.add(run.toString());
          run.setLength(0);
        }
        boolean repeatedAny = c == '%' && !items.isEmpty() && Character.valueOf('%').equals(items.get(items.size() - 1));
        if (!repeatedAny) {
          items.add(c);
        }
      } else {
        run.append(c);
      }
    }
    if (run.length() > 0) {
      items.add(run.toString());
    }
    return classify(items);
  }

  private static LikePattern classify(List<Object> items) {
    if (!items.contains('_')) {
      int n = items.size();
      boolean startsAny = n > 0 && items.get(0).equals('%');
      boolean endsAny = n > 0 && items.get(n - 1).equals('%');
      if (n == 0) {
        return new LikePattern(Kind.EXACT, "", null);
      }
      if (n == 1) {
        return startsAny ? new LikePattern(Kind.PREFIX, "", null) : new LikePattern(Kind.EXACT, (String) items.get(0), null);
      }
      if (n == 2 && endsAny) {
        return new LikePattern(Kind.PREFIX, (String) items.get(0), null);
      }
      if (n == 2 && startsAny) {
        return new LikePattern(Kind.SUFFIX, (String) items.get(1), null);
      }
      if (n == 3 && startsAny && endsAny) {
        return new LikePattern(Kind.INFIX, (String) items.get(1), null);
      }
    }
    StringBuilder re = new StringBuilder("(?s)");
    for (Object item : items) {
      if (item instanceof String) {
        re.append(Pattern.quote((String) item));
      } else {
        re.append(item.equals('%') ? ".*" : ".");
      }
    }
    return new LikePattern(Kind.GENERAL, "", Pattern.compile(re.toString()));
  }

  /** Escapes {@code %}, {@code _} and {@code \} so that {@code text} matches only itself. */
  static String escape(String text) {
    StringBuilder s = new StringBuilder(text.length() + 4);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' || c == '_' || c == '\\') {
        s.append('\\');
      }
      s.append(c);
    }
    return s.toString();
  }

  Kind kind() {
    return kind;
  }

  /** The literal text of a non-GENERAL pattern (the prefix of a PREFIX pattern, ...). */
  String literal() {
    return literal;
  }

  /** The pattern on a canonical value: null (UNKNOWN) for null, false for a value that is not a string. */
  @Nullable
  Boolean test(@Nullable Object value) {
    return value == null ? null : value instanceof String && matches((String) value);
  }

  boolean matches(String s) {
    switch (kind) {
      case EXACT:
        return s.equals(literal);
      case PREFIX:
        return s.startsWith(literal);
      case SUFFIX:
        return s.endsWith(literal);
      case INFIX:
        return s.contains(literal);
      default:
        return regex.matcher(s).matches();
    }
  }

  /**
   * Matches the UTF-8 value at {@code data[start, start + length)}; for {@link Kind#GENERAL} it decodes the value.
   * Byte-wise matching is exact for UTF-8 because no character's encoding occurs inside another's.
   */
  boolean matchesUtf8(ArrowBuf data, long start, int length) {
    byte[] lit = literalUtf8;
    int n = lit.length;
    switch (kind) {
      case EXACT:
        return length == n && regionEquals(data, start, lit);
      case PREFIX:
        return length >= n && regionEquals(data, start, lit);
      case SUFFIX:
        return length >= n && regionEquals(data, start + length - n, lit);
      case INFIX:
        for (long at = start, last = start + length - n; at <= last; at++) {
          if (regionEquals(data, at, lit)) {
            return true;
          }
        }
        return false;
      default:
        byte[] bytes = new byte[length];
        data.getBytes(start, bytes);
        return regex.matcher(new String(bytes, StandardCharsets.UTF_8)).matches();
    }
  }

  private static boolean regionEquals(ArrowBuf data, long at, byte[] lit) {
    for (int i = 0; i < lit.length; i++) {
      if (data.getByte(at + i) != lit[i]) {
        return false;
      }
    }
    return true;
  }
}
