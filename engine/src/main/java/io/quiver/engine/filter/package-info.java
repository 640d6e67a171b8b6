/**
 * Quiver's filter language: Milvus's boolean expressions, parsed once and evaluated over segment columns, single rows
 * and segment statistics. Serving (the Milvus API), Spark pushdown and Flink all use this package; adapters build
 * {@link io.quiver.engine.filter.Filter} trees with {@link io.quiver.engine.filter.Filters} instead of strings.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * BoundFilter f = Filters.parse("age > {min} and color == \"red\"", schema, Map.of("min", 18));
 * RoaringBitmap rows = f.evaluate(segment);      // FilterColumns over Arrow vectors
 * boolean hit = f.test(row);                     // one row (WAL tail)
 * boolean scan = f.mightMatch(segmentStats);     // false: skip the segment
 * }</pre>
 *
 * <h2>Grammar (EBNF)</h2>
 * <pre>
 * filter     = [ or ] ;                                    (* blank text means true *)
 * or         = and { ("or" | "||") and } ;
 * and        = predicate { ("and" | "&amp;&amp;") predicate } ;
 * predicate  = sum [ cmp sum [ cmp sum ] ]                 (* a &lt; b &lt; c: both &lt;/&lt;= or both &gt;/&gt;= *)
 *            | sum ["not"] "in" list
 *            | sum "like" (string | param)
 *            | sum "is" ["not"] "null" ;
 * cmp        = "==" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ;
 * sum        = product { ("+" | "-") product } ;
 * product    = unary { ("*" | "/" | "%") unary } ;
 * unary      = ("not" | "!") unary | ("-" | "+") unary | primary ;
 * primary    = number | string | bool | param | "(" or ")" | list | field | function ;
 * field      = ident { "[" (string | integer) "]" } ;       (* ident: [A-Za-z_][A-Za-z0-9_]* or $meta *)
 * function   = ("json_contains" | "array_contains") "(" sum "," constant ")"
 *            | ("json_contains_all" | "json_contains_any" | "array_contains_all" | "array_contains_any")
 *              "(" sum "," list ")" ;
 * list       = "[" [ constant { "," constant } [","] ] "]" | param ;
 * constant   = ["-"] number | string | bool | param | list ;   (* nested lists only in json_contains* *)
 * param      = "{" ident "}" ;                                (* bound from a Map at parse time *)
 * number     = digits ["." digits] [("e"|"E") ["+"|"-"] digits] | "." digits ... | "0x" hexdigits ;
 * string     = '"' ... '"' | "'" ... "'" ;    (* escapes \" \' \\ \/ \n \t \r \b \f \\uXXXX; others kept *)
 * bool       = "true" | "True" | "TRUE" | "false" | "False" | "FALSE" ;
 * </pre>
 * Keywords ({@code and or not in like is null}) are written in lower or upper case; function names in any case.
 * A bare field is a condition ({@code is_active}, {@code meta["flag"]}): {@code field == true}.
 *
 * <h2>Precedence</h2>
 * From tightest: {@code not}/{@code !} and unary minus, then {@code * / %}, then {@code + -}, then comparisons,
 * {@code in}, {@code like} and {@code is null}, then {@code and}, then {@code or} — Milvus's order. So
 * {@code not age > 3} would mean {@code (not age) > 3}; the parser refuses it and asks for {@code not (age > 3)}.
 *
 * <h2>Fields</h2>
 * A declared field is used by name; {@code meta["a"]["b"]} and {@code meta["arr"][0]} read inside JSON fields. With a
 * dynamic field, an undeclared name is a key of {@code $meta}: {@code color == "red"} reads {@code $meta["color"]}.
 * Unknown fields (without a dynamic field) and vector fields are refused. Names are case-sensitive.
 *
 * <h2>Types</h2>
 * <ul>
 *   <li>Numbers (INT32, INT64, FLOAT, DOUBLE, numeric constants) compare with each other by exact value; a FLOAT field
 *   is compared with the float nearest to the constant ({@code price == 0.1} matches the stored {@code 0.1f}).
 *   IEEE NaN: every comparison with NaN is false except {@code !=}; {@code -0.0 == 0.0}.
 *   <li>Strings compare with strings, ordered by Unicode code point (= UTF-8 byte order).
 *   <li>Booleans compare with booleans, with {@code ==} and {@code !=} only.
 *   <li>Arithmetic takes numbers: integers give a 64-bit integer (wrapping, {@code /} truncates, {@code %} has the
 *   dividend's sign), any floating operand gives a double; {@code %} refuses FLOAT/DOUBLE fields; division by zero
 *   is UNKNOWN at run time and an error for a constant divisor. Constant sub-expressions are folded.
 *   <li>{@code like} takes VARCHAR fields or JSON values; {@code in} lists must not mix numbers, strings and booleans
 *   (except against JSON values); {@code json_contains*} take a JSON field or path; {@code is null} a field or path.
 *   <li>JSON values are typed per row. Values of unlike kinds (a JSON string against a number) are not equal:
 *   {@code ==} is false, {@code !=} true, ordering UNKNOWN, {@code like} on a non-string false; {@code json_contains}
 *   on a value that is not an array is false.
 * </ul>
 * Type errors are {@link io.quiver.engine.filter.FilterException}s raised when binding, naming the field and, for
 * parsed text, the position.
 *
 * <h2>Null semantics</h2>
 * SQL three-valued logic. A comparison, {@code in}, {@code like}, arithmetic or {@code json_contains} with a null
 * operand is UNKNOWN; a missing JSON key, a JSON {@code null}, a null {@code $meta} and a column the segment lacks
 * are null. {@code not UNKNOWN} is UNKNOWN, {@code UNKNOWN and FALSE} is FALSE, {@code UNKNOWN or TRUE} is TRUE;
 * {@code is null} / {@code is not null} are never UNKNOWN. Only TRUE rows match. So {@code age != 3} and
 * {@code not (age == 3)} both leave out rows where age is null.
 *
 * <h2>Evaluation paths</h2>
 * <ul>
 *   <li><b>Column at a time</b> ({@code BoundFilter.evaluate}): each predicate is one loop over one Arrow vector that
 *   appends TRUE rows (and FALSE rows, only when under a {@code not}) to Roaring bitmaps; {@code and}/{@code or}/
 *   {@code not} combine bitmaps, and an {@code and} stops once nothing can be TRUE.
 *   {@code field op constant} on Int/BigInt/Float4/Float8 vectors becomes a range test ({@code lo <= v <= hi}, negated
 *   for {@code !=}); on VarChar vectors it compares UTF-8 bytes in place; on Bit vectors it compares bits.
 *   Arithmetic and field-to-field comparisons first materialize operands as {@code long[]}/{@code double[]} columns.
 *   <li><b>{@code in} lists</b> (on any field, and so for primary key lists of deletes and gets): integral constants
 *   are binary-searched in a sorted {@code long[]} (no boxing), other numbers in a sorted {@code double[]}, strings
 *   looked up in a hash set of UTF-8 byte buffers straight from the Arrow data buffer; never one comparison per
 *   constant. The sets are built once per {@code BoundFilter}, not per segment.
 *   <li><b>{@code like}</b>: patterns that are literal text with {@code %} only at the ends ({@code "ab"},
 *   {@code "ab%"}, {@code "%ab"}, {@code "%ab%"}) match UTF-8 bytes in place; others ({@code _}, inner {@code %})
 *   decode the value and use a compiled regular expression.
 *   <li><b>JSON</b>: the first predicate reading a JSON column parses each row's JSON once and extracts every path the
 *   filter uses on that column; other predicates on the same column reuse the extracted values.
 *   <li><b>Row at a time</b> ({@code BoundFilter.test}): the same comparison, arithmetic, set, pattern and JSON code on
 *   Java values; a randomized test checks that both evaluators agree.
 *   <li><b>Primary keys</b>: {@code BoundFilter.primaryKeyCandidates()} returns the keys a filter pins
 *   ({@code pk == 1}, {@code pk in [..]}), so point lookups and deletes can go to the right shard and skip scans.
 *   <li><b>Statistics</b> ({@code BoundFilter.mightMatch}): comparisons, {@code in}, prefix {@code like} and
 *   {@code is [not] null} on typed fields are checked against min/max/null counts; {@code not} is pushed down
 *   (De Morgan, operator complements; not for FLOAT/DOUBLE, where NaN breaks complements); everything else answers
 *   true (may match).
 * </ul>
 *
 * <h2>Not supported (yet)</h2>
 * Milvus's {@code exists}, {@code array_length}, {@code text_match}, {@code phrase_match}, {@code random_sample},
 * {@code **}, bitwise operators, comparisons with list constants ({@code meta["a"] == [1, 2]}), and typed ARRAY fields
 * (Quiver has none; {@code array_contains*} work on JSON arrays).
 */
package io.quiver.engine.filter;
