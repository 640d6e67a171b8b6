package io.quiver.engine.filter;

import io.quiver.engine.schema.ValidationException;
import javax.annotation.Nullable;

/**
 * A filter expression that cannot be parsed or does not fit the schema.
 *
 * <p>{@link #field()} is the offending field, or {@code "filter"} for syntax errors. When the filter came from text,
 * the message shows the expression, the 0-based {@link #position()} and a caret under it:
 *
 * <pre>
 * Cannot parse filter at position 6: expected a value after '&gt;'
 *   age &gt; &gt; 3
 *         ^
 * </pre>
 *
 * Trees built in code carry no positions; their messages quote the filter instead.
 */
public class FilterException extends ValidationException {
  /** The {@link #field()} of errors that concern no single field (syntax errors). */
  public static final String FILTER = "filter";

  @Nullable private final String expression;
  private final int position;
  private final boolean syntax;

  FilterException(String field, @Nullable String expression, int position, boolean syntax, String reason) {
    super(field, expression, reason);
    this.expression = expression;
    this.position = position;
    this.syntax = syntax;
  }

  static FilterException syntax(String expression, int position, String reason) {
    return new FilterException(FILTER, expression, position, true, reason);
  }

  static FilterException invalid(String field, @Nullable String expression, int position, String reason) {
    return new FilterException(field, expression, position, false, reason);
  }

  /** The expression text (or the printed tree); null when there is none. */
  @Nullable
  public String expression() {
    return expression;
  }

  /** 0-based character position of the error in {@link #expression()}, or -1 when unknown. */
  public int position() {
    return position;
  }

  @Override
  public String getMessage() {
    String head = syntax ? "Cannot parse filter" : "Invalid filter";
    if (expression == null) {
      return head + ": " + reason();
    }
    if (position < 0) {
      return head + " '" + expression + "': " + reason();
    }
    // Tabs and newlines would shift the caret; show them as spaces.
    String shown = expression.replaceAll("[\\t\\n\\r]", " ");
    int caret = Math.min(position, shown.length());
    return head + " at position " + position + ": " + reason() + "\n  " + shown + "\n  " + " ".repeat(caret) + "^";
  }
}
