package io.quiver.engine.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a filter into tokens. Keywords are recognized in lower or upper case ({@code and}/{@code AND}), booleans also
 * capitalized ({@code True}); {@code &&}, {@code ||} and {@code !} are spellings of {@code and}, {@code or}, {@code not}.
 */
final class Lexer {
  /** Token kinds. */
  enum Kind {
    INT, FLOAT, STRING, TRUE, FALSE, IDENT, PARAM,
    AND, OR, NOT, IN, LIKE, IS, NULL,
    EQ, NE, LT, LE, GT, GE, PLUS, MINUS, STAR, SLASH, PERCENT,
    LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, EOF
  }

  /** One token: {@code text} as written, {@code value} decoded (strings, identifiers, parameter names). */
  record Token(Kind kind, String text, String value, int pos) {}

  private final String src;
  private int at;

  private Lexer(String src) {
    this.src = src;
  }

  static List<Token> tokenize(String src) {
    Lexer lexer = new Lexer(src);
    List<Token> out = new ArrayList<>();
    Token t;
    do {
      t = lexer.next();
      out.add(t);
    } while (t.kind() != Kind.EOF);
    return out;
  }

  private Token next() {
    while (at < src.length() && Character.isWhitespace(src.charAt(at))) {
      at++;
    }
    int start = at;
    if (at >= src.length()) {
      return new Token(Kind.EOF, "", "", start);
    }
    char c = src.charAt(at);
    if (Character.isDigit(c) || (c == '.' && at + 1 < src.length() && Character.isDigit(src.charAt(at + 1)))) {
      return number(start);
    }
    if (c == '"' || c == '\'') {
      return string(start, c);
    }
    if (isIdentStart(c) || (c == '$' && at + 1 < src.length() && isIdentStart(src.charAt(at + 1)))) {
      at++;
      while (at < src.length() && isIdentPart(src.charAt(at))) {
        at++;
      }
      String word = src.substring(start, at);
      return new Token(keyword(word), word, word, start);
    }
    if (c == '{') {
      int close = src.indexOf('}', at);
      String name = close < 0 ? "" : src.substring(at + 1, close).trim();
      if (close < 0 || name.isEmpty() || !isIdentStart(name.charAt(0)) || !name.chars().allMatch(ch -> isIdentPart((char) ch))) {
        throw FilterException.syntax(src, start, "expected a template parameter like {name}");
      }
      at = close + 1;
      return new Token(Kind.PARAM, src.substring(start, at), name, start);
    }
    String two = at + 2 <= src.length() ? src.substring(at, at + 2) : "";
    switch (two) {
      case "==":
        return op(Kind.EQ, 2, start);
      case "!=":
      case "<>":
        return op(Kind.NE, 2, start);
      case "<=":
        return op(Kind.LE, 2, start);
      case ">=":
        return op(Kind.GE, 2, start);
      case "&&":
        return op(Kind.AND, 2, start);
      case "||":
        return op(Kind.OR, 2, start);
      default:
        break;
    }
    switch (c) {
      case '<':
        return op(Kind.LT, 1, start);
      case '>':
        return op(Kind.GT, 1, start);
      case '!':
        return op(Kind.NOT, 1, start);
      case '+':
        return op(Kind.PLUS, 1, start);
      case '-':
        return op(Kind.MINUS, 1, start);
      case '*':
        return op(Kind.STAR, 1, start);
      case '/':
        return op(Kind.SLASH, 1, start);
      case '%':
        return op(Kind.PERCENT, 1, start);
      case '(':
        return op(Kind.LPAREN, 1, start);
      case ')':
        return op(Kind.RPAREN, 1, start);
      case '[':
        return op(Kind.LBRACKET, 1, start);
      case ']':
        return op(Kind.RBRACKET, 1, start);
      case ',':
        return op(Kind.COMMA, 1, start);
      case '=':
        throw FilterException.syntax(src, start, "'=' is not an operator; use '==' to test equality");
      default:
        throw FilterException.syntax(src, start, "unexpected character '" + c + "'");
    }
  }

  private Token op(Kind kind, int length, int start) {
    at += length;
    String text = src.substring(start, at);
    return new Token(kind, text, text, start);
  }

  private Token number(int start) {
    if (src.startsWith("0x", at) || src.startsWith("0X", at)) {
      at += 2;
      while (at < src.length() && Character.digit(src.charAt(at), 16) >= 0) {
        at++;
      }
      return finishNumber(Kind.INT, start);
    }
    boolean isFloat = false;
    digits();
    if (at < src.length() && src.charAt(at) == '.') {
      isFloat = true;
      at++;
      digits();
    }
    if (at < src.length() && (src.charAt(at) == 'e' || src.charAt(at) == 'E')) {
      isFloat = true;
      at++;
      if (at < src.length() && (src.charAt(at) == '+' || src.charAt(at) == '-')) {
        at++;
      }
      int exp = at;
      digits();
      if (exp == at) {
        throw FilterException.syntax(src, start, "malformed number '" + src.substring(start, at) + "': missing exponent");
      }
    }
    return finishNumber(isFloat ? Kind.FLOAT : Kind.INT, start);
  }

  private Token finishNumber(Kind kind, int start) {
    if (at < src.length() && (isIdentPart(src.charAt(at)) || src.charAt(at) == '.')) {
      throw FilterException.syntax(src, start, "malformed number '" + src.substring(start, at + 1) + "'");
    }
    String text = src.substring(start, at);
    if (text.equalsIgnoreCase("0x")) {
      throw FilterException.syntax(src, start, "malformed number '0x': missing hex digits");
    }
    return new Token(kind, text, text, start);
  }

  private void digits() {
    while (at < src.length() && Character.isDigit(src.charAt(at))) {
      at++;
    }
  }

  /** A quoted string; JSON-style escapes, and any other escaped character keeps its backslash (for like patterns). */
  private Token string(int start, char quote) {
    StringBuilder value = new StringBuilder();
    at++;
    while (true) {
      if (at >= src.length()) {
        throw FilterException.syntax(src, start, "unterminated string: missing closing " + quote);
      }
      char c = src.charAt(at++);
      if (c == quote) {
        break;
      }
      if (c != '\\') {
        value.append(c);
        continue;
      }
      if (at >= src.length()) {
        throw FilterException.syntax(src, start, "unterminated string: missing closing " + quote);
      }
      char e = src.charAt(at++);
      switch (e) {
        case 'n':
          value.append('\n');
          break;
        case 't':
          value.append('\t');
          break;
        case 'r':
          value.append('\r');
          break;
        case 'b':
          value.append('\b');
          break;
        case 'f':
          value.append('\f');
          break;
        case '"':
        case '\'':
        case '\\':
        case '/':
          value.append(e);
          break;
        case 'u':
          if (at + 4 > src.length() || !src.substring(at, at + 4).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
            throw FilterException.syntax(src, at - 2, "malformed escape: \\u needs four hex digits");
          }
          value.append((char) Integer.parseInt(src.substring(at, at + 4), 16));
          at += 4;
          break;
        default:
          value.append('\\').append(e);
      }
    }
    return new Token(Kind.STRING, src.substring(start, at), value.toString(), start);
  }

  private static Kind keyword(String word) {
    switch (word) {
      case "and":
      case "AND":
        return Kind.AND;
      case "or":
      case "OR":
        return Kind.OR;
      case "not":
      case "NOT":
        return Kind.NOT;
      case "in":
      case "IN":
        return Kind.IN;
      case "like":
      case "LIKE":
        return Kind.LIKE;
      case "is":
      case "IS":
        return Kind.IS;
      case "null":
      case "NULL":
        return Kind.NULL;
      case "true":
      case "True":
      case "TRUE":
        return Kind.TRUE;
      case "false":
      case "False":
      case "FALSE":
        return Kind.FALSE;
      default:
        return Kind.IDENT;
    }
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9');
  }
}
