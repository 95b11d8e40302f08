package dev.breakwater.cache.selector;

import dev.breakwater.cache.golang.GoStrings;
import dev.breakwater.cache.object.CachedObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A shard selector ({@code shardSelector}, KEP-5866, feature gate ShardedListAndWatch, alpha in 1.36):
 * one or more hash ranges over one metadata field, {@code shardRange(object.metadata.uid, '0x…', '0x…') || …}.
 * Mirrors {@code k8s.io/apiserver@v0.36.3/pkg/sharding/parser.go} ({@code Parse}, {@code walkExpr},
 * {@code parseShardRangeCall}, {@code extractFieldPath}, {@code extractHexLiteral}) and
 * {@code k8s.io/apimachinery@v0.36.3/pkg/sharding} ({@code HashField}: FNV-1a 64 of the field's UTF-8
 * bytes; {@code Matches}: an object matches if its hash is in any {@code [start, end)}; {@code String}:
 * the canonical form the apiserver echoes in {@code ListMeta.shardInfo.selector}).
 *
 * <p>The apiserver parses the selector as a CEL expression (cel-go's ANTLR parser, no macros) and walks
 * its AST. This class recognizes the CEL subset a selector is written in — identifiers, {@code .}
 * field selection, global calls, {@code ( )} grouping, {@code ||}, single- or double-quoted string
 * literals of printable ASCII without escapes, blanks {@code [ \t\r\n\f]} and {@code //} comments —
 * and words every error the AST walk gives (wrong function, arity, field path, hex bounds, mixed
 * fields, start ≥ end) as Go does. What lies outside that subset — a CEL syntax error (whose text is
 * ANTLR's), escapes, raw or bytes strings, numbers, operators, member calls, reserved words, nesting
 * deeper than {@link #MAX_DEPTH} — is {@link Parse.Unrecognized}: the caller passes the read upstream.
 *
 * <p>Bad input never throws: {@link #parse} returns {@link Parse.Invalid} with Go's error text (without
 * the store's {@code invalid shard selector: } prefix) or {@link Parse.Unrecognized}. Immutable and
 * thread-safe.
 */
public final class ShardSelector {

  /** Nesting of parentheses and calls beyond which a selector is left to the upstream (CEL's limit is 250). */
  public static final int MAX_DEPTH = 32;
  /** Selectors longer than this are left to the upstream (CEL's code point limit is 100 000). */
  public static final int MAX_LENGTH = 16 * 1024;

  public static final String UID = "object.metadata.uid";
  public static final String NAMESPACE = "object.metadata.namespace";
  static final String TWO_TO_64 = "0x10000000000000000";

  /** cel-go's reserved identifiers (parser.go {@code reservedIds}) and the lexer's keywords. */
  private static final Set<String> RESERVED = Set.of("as", "break", "const", "continue", "else", "false", "for", "function",
      "if", "import", "in", "let", "loop", "package", "namespace", "null", "return", "true", "var", "void", "while");
  /** Lexer keywords: not identifiers even after a {@code .}. */
  private static final Set<String> KEYWORDS = Set.of("in", "true", "false", "null");

  /** One {@code shardRange(key, start, end)}: {@code start} inclusive, {@code end} exclusive, as written (0x + 16 hex, or 2^64). */
  public record Range(String key, String start, String end) {}

  /** The outcome of {@link #parse}. */
  public sealed interface Parse {
    /** A valid selector. */
    record Ok(ShardSelector selector) implements Parse {}

    /** The apiserver rejects it with this error text ({@code Parse}'s, before the store's prefix). */
    record Invalid(String error) implements Parse {}

    /** Outside the recognized CEL subset: only the upstream words its answer. */
    record Unrecognized(String why) implements Parse {}
  }

  private final List<Range> ranges;
  private final boolean byUid;
  private final long[] starts;
  private final long[] ends;
  private final boolean[] endIsMax;
  private final String canonical;

  private ShardSelector(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
    this.byUid = ranges.getFirst().key().equals(UID);
    int n = ranges.size();
    starts = new long[n];
    ends = new long[n];
    endIsMax = new boolean[n];
    List<String> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Range r = ranges.get(i);
      starts[i] = r.start().equals(TWO_TO_64) ? -1L : Long.parseUnsignedLong(r.start().substring(2), 16);
      endIsMax[i] = r.end().equals(TWO_TO_64);
      ends[i] = endIsMax[i] ? 0 : Long.parseUnsignedLong(r.end().substring(2), 16);
      parts.add("shardRange(" + r.key() + ", '" + r.start() + "', '" + r.end() + "')");
    }
    canonical = String.join(" || ", parts);
  }

  public List<Range> ranges() {
    return ranges;
  }

  /** The field hashed: {@link #UID} or {@link #NAMESPACE}. */
  public String key() {
    return ranges.getFirst().key();
  }

  /** {@code Selector.String()}: what the apiserver writes in {@code metadata.shardInfo.selector}. */
  public String canonical() {
    return canonical;
  }

  /** {@code Selector.Matches}: the field's FNV-1a 64 hash lies in one of the ranges. */
  public boolean matches(CachedObject o) {
    return matchesValue(byUid ? o.uid() : o.namespace());
  }

  /** {@link #matches} for a field value. */
  public boolean matchesValue(String value) {
    long h = fnv1a64(value);
    for (int i = 0; i < starts.length; i++) {
      if (Long.compareUnsigned(h, starts[i]) >= 0 && (endIsMax[i] || Long.compareUnsigned(h, ends[i]) < 0)) {
        return true;
      }
    }
    return false;
  }

  /** FNV-1a 64 of {@code value}'s UTF-8 bytes ({@code hash/fnv.New64a}). */
  public static long fnv1a64(String value) {
    long h = 0xcbf29ce484222325L;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** {@code HashField}: the hash as 16 lowercase hex digits. */
  public static String hashField(String value) {
    return String.format("%016x", fnv1a64(value));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardSelector s && s.ranges.equals(ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    return canonical;
  }

  // ---- parsing --------------------------------------------------------------------------------

  /**
   * {@code sharding.Parse(expr)}; the caller skips an empty parameter (the store parses only a
   * non-empty one). A blank one is Go's {@code empty shard selector is not allowed; …}.
   */
  public static Parse parse(String expr) {
    Objects.requireNonNull(expr);
    String s = goTrimSpace(expr);
    if (s.isEmpty()) {
      return new Parse.Invalid("empty shard selector is not allowed; omit the parameter for unfiltered lists");
    }
    if (s.length() > MAX_LENGTH) {
      return new Parse.Unrecognized("longer than " + MAX_LENGTH);
    }
    Node root;
    try {
      Parser p = new Parser(s);
      root = p.expr(0);
      if (p.peek().kind != Tok.EOF) {
        return new Parse.Unrecognized("unexpected " + p.peek());
      }
    } catch (Outside e) {
      return new Parse.Unrecognized(e.getMessage());
    }
    List<Range> reqs = new ArrayList<>();
    String err = walk(root, reqs);
    if (err != null) {
      return new Parse.Invalid(err);
    }
    for (int i = 1; i < reqs.size(); i++) {
      if (!reqs.get(i).key().equals(reqs.getFirst().key())) {
        return new Parse.Invalid("all shard ranges must use the same field, got " + GoStrings.quote(reqs.getFirst().key())
            + " and " + GoStrings.quote(reqs.get(i).key()));
      }
    }
    return new Parse.Ok(new ShardSelector(reqs));
  }

  /** cel-go's {@code ast.ExprKind} numbers, which the Go errors print with {@code %v}. */
  private static final int CALL_KIND = 1;
  private static final int IDENT_KIND = 3;
  private static final int LITERAL_KIND = 5;
  private static final int SELECT_KIND = 7;

  private sealed interface Node {
    int kind();
  }

  private record Call(String function, List<Node> args) implements Node {
    public int kind() {
      return CALL_KIND;
    }
  }

  private record Ident(String name) implements Node {
    public int kind() {
      return IDENT_KIND;
    }
  }

  private record Select(Node operand, String field) implements Node {
    public int kind() {
      return SELECT_KIND;
    }
  }

  private record Literal(String value) implements Node {
    public int kind() {
      return LITERAL_KIND;
    }
  }

  /** {@code walkExpr}: appends the requirements, or returns Go's error. */
  private static String walk(Node e, List<Range> out) {
    if (e instanceof Call c) {
      if (c.function().equals("_||_")) {
        String err = walk(c.args().get(0), out);
        return err != null ? err : walk(c.args().get(1), out);
      }
      if (c.function().equals("shardRange")) {
        return shardRange(c, out);
      }
      return "unsupported function " + GoStrings.quote(c.function()) + "; only shardRange() and || are allowed";
    }
    return "unexpected expression kind " + e.kind() + "; expected shardRange() call or || operator";
  }

  /** {@code parseShardRangeCall}. */
  private static String shardRange(Call call, List<Range> out) {
    if (call.args().size() != 3) {
      return "shardRange() requires exactly 3 arguments, got " + call.args().size();
    }
    StringBuilder path = new StringBuilder();
    String err = fieldPath(call.args().get(0), path);
    if (err != null) {
      return "shardRange() first argument: " + err;
    }
    String field = path.toString();
    if (!field.equals(UID) && !field.equals(NAMESPACE)) {
      return "unsupported field path " + GoStrings.quote(field) + "; supported: object.metadata.uid, object.metadata.namespace";
    }
    String[] bounds = new String[2];
    String[] names = {"hexStart", "hexEnd"};
    for (int i = 0; i < 2; i++) {
      Node a = call.args().get(i + 1);
      if (!(a instanceof Literal lit)) {
        return names[i] + " must be a string literal (e.g. '0xff'), got expression kind " + a.kind();
      }
      err = hexLiteral(lit.value(), names[i]);
      if (err != null) {
        return err;
      }
      bounds[i] = lit.value();
    }
    if (!hexLess(bounds[0], bounds[1])) {
      return "shard range start " + bounds[0] + " must be less than end " + bounds[1];
    }
    out.add(new Range(field, bounds[0], bounds[1]));
    return null;
  }

  /** {@code extractFieldPath}. */
  private static String fieldPath(Node e, StringBuilder out) {
    if (e instanceof Ident i) {
      out.append(i.name());
      return null;
    }
    if (e instanceof Select s) {
      String err = fieldPath(s.operand(), out);
      if (err != null) {
        return err;
      }
      out.append('.').append(s.field());
      return null;
    }
    return "expected field path (e.g. object.metadata.uid), got expression kind " + e.kind();
  }

  /** {@code extractHexLiteral} (the literal is printable ASCII: bytes and runes coincide). */
  private static String hexLiteral(String s, String name) {
    if (!s.startsWith("0x")) {
      return name + " must have '0x' prefix, got " + GoStrings.quote(s);
    }
    String hex = s.substring(2);
    if (hex.isEmpty()) {
      return name + ": hex value is required after '0x'";
    }
    if (hex.length() > 17) {
      return name + ": hex value too long (" + hex.length() + " chars, max 17): " + GoStrings.quote(hex);
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return name + ": invalid hex character " + GoStrings.quote(String.valueOf(c)) + " in " + GoStrings.quote(s);
      }
    }
    if (hex.length() == 17) {
      if (!s.equals(TWO_TO_64)) {
        return name + ": 17-digit hex value must be '0x10000000000000000' (2^64), got " + GoStrings.quote(s);
      }
    } else if (hex.length() != 16) {
      String padded = "0x" + "0".repeat(16 - hex.length()) + hex;
      return name + " must be a 0x-prefixed 16-digit hex value, got " + GoStrings.quote(s) + " (did you mean "
          + GoStrings.quote(padded) + "?)";
    }
    return null;
  }

  /** {@code HexLess}: shorter is less, then lexical. */
  static boolean hexLess(String a, String b) {
    return a.length() != b.length() ? a.length() < b.length() : a.compareTo(b) < 0;
  }

  /** Go's {@code strings.TrimSpace}: Unicode White_Space at both ends. */
  static String goTrimSpace(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && goSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && goSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean goSpace(char c) {
    return switch (c) {
      case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
      default -> c >= 0x2000 && c <= 0x200A;
    };
  }

  /** Outside the recognized subset. */
  private static final class Outside extends RuntimeException {
    Outside(String why) {
      super(why, null, false, false);
    }
  }

  private enum Tok { IDENT, STRING, DOT, LPAREN, RPAREN, COMMA, OR, EOF }

  private record Token(Tok kind, String text, int at) {
    @Override
    public String toString() {
      return kind + (text.isEmpty() ? "" : " " + text) + " at " + at;
    }
  }

  /**
   * Recursive descent over the subset: {@code expr := term ('||' term)*}; {@code term := '(' expr ')' |
   * STRING | IDENT ('(' [expr (',' expr)*] ')' | ('.' IDENT)*)}; a call's name is one identifier.
   */
  private static final class Parser {
    private final String s;
    private int pos;
    private Token next;

    Parser(String s) {
      this.s = s;
      this.next = lex();
    }

    Token peek() {
      return next;
    }

    private Token take(Tok kind) {
      if (next.kind != kind) {
        throw new Outside("expected " + kind + ", got " + next);
      }
      Token t = next;
      next = lex();
      return t;
    }

    Node expr(int depth) {
      if (depth > MAX_DEPTH) {
        throw new Outside("nested deeper than " + MAX_DEPTH);
      }
      Node left = term(depth);
      while (next.kind == Tok.OR) {
        take(Tok.OR);
        left = new Call("_||_", List.of(left, term(depth)));
      }
      return left;
    }

    private Node term(int depth) {
      switch (next.kind) {
        case LPAREN -> {
          take(Tok.LPAREN);
          Node inner = expr(depth + 1);
          take(Tok.RPAREN);
          return inner;
        }
        case STRING -> {
          return new Literal(take(Tok.STRING).text());
        }
        case IDENT -> {
          String name = take(Tok.IDENT).text();
          if (RESERVED.contains(name)) {
            throw new Outside("reserved identifier " + name);
          }
          if (next.kind == Tok.LPAREN) {
            take(Tok.LPAREN);
            List<Node> args = new ArrayList<>();
            if (next.kind != Tok.RPAREN) {
              args.add(expr(depth + 1));
              while (next.kind == Tok.COMMA) {
                take(Tok.COMMA);
                args.add(expr(depth + 1));
              }
            }
            take(Tok.RPAREN);
            return new Call(name, args);
          }
          Node n = new Ident(name);
          while (next.kind == Tok.DOT) {
            take(Tok.DOT);
            String field = take(Tok.IDENT).text();
            if (KEYWORDS.contains(field)) {
              throw new Outside("keyword " + field + " as a field");
            }
            if (next.kind == Tok.LPAREN) {
              throw new Outside("member call ." + field + "()");
            }
            n = new Select(n, field);
          }
          return n;
        }
        default -> throw new Outside("unexpected " + next);
      }
    }

    private Token lex() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
          pos++;
        } else if (c == '/' && pos + 1 < s.length() && s.charAt(pos + 1) == '/') {
          while (pos < s.length() && s.charAt(pos) != '\n') {
            pos++;
          }
        } else {
          break;
        }
      }
      int at = pos;
      if (pos >= s.length()) {
        return new Token(Tok.EOF, "", at);
      }
      char c = s.charAt(pos);
      switch (c) {
        case '.' -> {
          pos++;
          if (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            throw new Outside("number at " + at);
          }
          return new Token(Tok.DOT, "", at);
        }
        case '(' -> {
          pos++;
          return new Token(Tok.LPAREN, "", at);
        }
        case ')' -> {
          pos++;
          return new Token(Tok.RPAREN, "", at);
        }
        case ',' -> {
          pos++;
          return new Token(Tok.COMMA, "", at);
        }
        case '|' -> {
          if (pos + 1 < s.length() && s.charAt(pos + 1) == '|') {
            pos += 2;
            return new Token(Tok.OR, "", at);
          }
          throw new Outside("single | at " + at);
        }
        case '\'', '"' -> {
          if (s.startsWith(String.valueOf(c).repeat(3), pos)) {
            throw new Outside("triple-quoted string at " + at);
          }
          int end = pos + 1;
          while (end < s.length() && s.charAt(end) != c) {
            char d = s.charAt(end);
            if (d < 0x20 || d > 0x7e || d == '\\') {
              throw new Outside("string with an escape or a character outside printable ASCII at " + end);
            }
            end++;
          }
          if (end >= s.length()) {
            throw new Outside("unterminated string at " + at);
          }
          String text = s.substring(pos + 1, end);
          pos = end + 1;
          return new Token(Tok.STRING, text, at);
        }
        default -> {
          if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            int end = pos + 1;
            while (end < s.length() && identPart(s.charAt(end))) {
              end++;
            }
            String text = s.substring(pos, end);
            pos = end;
            // A quote right after r/R/b/B makes a raw or bytes literal in CEL.
            if (pos < s.length() && (s.charAt(pos) == '\'' || s.charAt(pos) == '"')) {
              throw new Outside("prefixed string literal at " + at);
            }
            return new Token(Tok.IDENT, text, at);
          }
          throw new Outside("character " + GoStrings.quote(String.valueOf(c)) + " at " + at);
        }
      }
    }

    private static boolean identPart(char c) {
      return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
  }
}
