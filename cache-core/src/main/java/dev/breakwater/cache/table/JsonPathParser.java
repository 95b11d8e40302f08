package dev.breakwater.cache.table;

import dev.breakwater.cache.table.JsonPathNodes.ArrayNode;
import dev.breakwater.cache.table.JsonPathNodes.BoolNode;
import dev.breakwater.cache.table.JsonPathNodes.FieldNode;
import dev.breakwater.cache.table.JsonPathNodes.FilterNode;
import dev.breakwater.cache.table.JsonPathNodes.FloatNode;
import dev.breakwater.cache.table.JsonPathNodes.IdentifierNode;
import dev.breakwater.cache.table.JsonPathNodes.IntNode;
import dev.breakwater.cache.table.JsonPathNodes.ListNode;
import dev.breakwater.cache.table.JsonPathNodes.Node;
import dev.breakwater.cache.table.JsonPathNodes.Param;
import dev.breakwater.cache.table.JsonPathNodes.RecursiveNode;
import dev.breakwater.cache.table.JsonPathNodes.TextNode;
import dev.breakwater.cache.table.JsonPathNodes.UnionNode;
import dev.breakwater.cache.table.JsonPathNodes.WildcardNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line-by-line port of client-go v0.36.3 {@code util/jsonpath/parser.go}: the same states, the
 * same scanning (runes, here code points), the same regular expressions, the same errors (as
 * {@link JsonPath.ParseException}, with Go's message). Go's parse functions call one another in
 * tail position ({@code parseInsideAction} → {@code parseField} → {@code parseInsideAction} …); here
 * they return the next state to a loop, so a long path does not deepen the Java stack. Nested
 * parses ({@code parseAction}: union members, dict keys, filter operands) recurse as in Go.
 *
 * <p>One difference, on purpose: a quoted string whose escapes make a byte that is not UTF-8
 * ({@code "\xff"}, {@code "\377"}) has no Java String; it raises {@link JsonPath.UnsupportedException}
 * (the caller sends such a resource's Tables upstream). Not thread-safe; one instance per parse.
 */
final class JsonPathParser {

  private static final int EOF = -1;
  private static final Pattern DICT_KEY = Pattern.compile("'([^']*)'", Pattern.DOTALL);
  private static final Pattern SLICE = Pattern.compile("(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?");
  private static final Pattern FILTER = Pattern.compile("([^!<>=]+)([!<>=]+)(.+?)", Pattern.DOTALL);
  private static final Pattern ATOI = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern PARSE_FLOAT = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)");

  private enum State { TEXT, INSIDE, DONE }

  private final String input;
  private final ListNode root = new ListNode(new ArrayList<>());
  private ListNode cur;
  private int pos;
  private int start;
  private int width;

  private JsonPathParser(String input) {
    this.input = input;
  }

  /** Go's {@code Parse(name, text)}: the template's root list. */
  static ListNode parse(String text) throws JsonPath.ParseException {
    JsonPathParser p = new JsonPathParser(text);
    State s = State.TEXT;
    while (s != State.DONE) {
      s = s == State.TEXT ? p.parseText() : p.parseInsideAction();
    }
    return p.root;
  }

  /** Go's {@code parseAction}: {@code {text}} parsed, its first node. */
  private static ListNode parseAction(String text) throws JsonPath.ParseException {
    return (ListNode) parse("{" + text + "}").nodes().get(0);
  }

  private String consumeText() {
    String value = input.substring(start, pos);
    start = pos;
    return value;
  }

  private int next() {
    if (pos >= input.length()) {
      width = 0;
      return EOF;
    }
    int r = input.codePointAt(pos);
    width = Character.charCount(r);
    pos += width;
    return r;
  }

  private int peek() {
    int r = next();
    backup();
    return r;
  }

  private void backup() {
    pos -= width;
  }

  private State parseText() {
    while (true) {
      if (input.startsWith("{", pos)) {
        if (pos > start) {
          root.nodes().add(new TextNode(consumeText()));
        }
        return parseLeftDelim();
      }
      if (next() == EOF) {
        break;
      }
    }
    if (pos > start) {
      root.nodes().add(new TextNode(consumeText()));
    }
    return State.DONE;
  }

  private State parseLeftDelim() {
    pos += 1;
    consumeText();
    ListNode node = new ListNode(new ArrayList<>());
    root.nodes().add(node);
    cur = node;
    return State.INSIDE;
  }

  private State parseInsideAction() throws JsonPath.ParseException {
    // Go ranges over a map of the three prefixes; they begin with different characters, so at most one matches.
    if (input.startsWith("}", pos)) {
      return parseRightDelim();
    }
    if (input.startsWith("[?(", pos)) {
      return parseFilter();
    }
    if (input.startsWith("..", pos)) {
      return parseRecursive();
    }
    int r = next();
    if (r == EOF || isEndOfLine(r)) {
      throw new JsonPath.ParseException("unclosed action");
    } else if (r == ' ' || r == '@' || r == '$') {
      consumeText();
      return State.INSIDE;
    } else if (r == '[') {
      return parseArray();
    } else if (r == '"' || r == '\'') {
      return parseQuote(r);
    } else if (r == '.') {
      return parseField();
    } else if (r == '+' || r == '-' || Character.isDigit(r)) {
      backup();
      return parseNumber();
    } else if (isAlphaNumeric(r)) {
      backup();
      return parseIdentifier();
    }
    throw new JsonPath.ParseException(String.format("unrecognized character in action: U+%04X", r));
  }

  private State parseRightDelim() {
    pos += 1;
    consumeText();
    return State.TEXT;
  }

  private State parseIdentifier() {
    while (true) {
      int r = next();
      if (isTerminator(r)) {
        backup();
        break;
      }
    }
    String value = consumeText();
    if (value.equals("true") || value.equals("false")) {
      cur.nodes().add(new BoolNode(value.equals("true")));
    } else {
      cur.nodes().add(new IdentifierNode(value));
    }
    return State.INSIDE;
  }

  private State parseRecursive() throws JsonPath.ParseException {
    List<Node> nodes = cur.nodes();
    if (!nodes.isEmpty() && nodes.get(nodes.size() - 1) instanceof RecursiveNode) {
      throw new JsonPath.ParseException("invalid multiple recursive descent");
    }
    pos += 2;
    consumeText();
    nodes.add(new RecursiveNode());
    if (isAlphaNumeric(peek())) {
      return parseField();
    }
    return State.INSIDE;
  }

  private State parseNumber() throws JsonPath.ParseException {
    int r = peek();
    if (r == '+' || r == '-') {
      next();
    }
    while (true) {
      r = next();
      if (r != '.' && !Character.isDigit(r)) {
        backup();
        break;
      }
    }
    String value = consumeText();
    Long i = atoi(value);
    if (i != null) {
      cur.nodes().add(new IntNode(i));
      return State.INSIDE;
    }
    if (PARSE_FLOAT.matcher(value).matches()) {
      double d = Double.parseDouble(value);
      if (!Double.isInfinite(d)) { // strconv.ParseFloat: out of range is an error
        cur.nodes().add(new FloatNode(d));
        return State.INSIDE;
      }
    }
    throw new JsonPath.ParseException("cannot parse number " + value);
  }

  /** {@code strconv.Atoi} (int is 64 bits): ASCII digits, an optional sign, in range; else null. */
  private static Long atoi(String s) {
    if (!ATOI.matcher(s).matches()) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private State parseArray() throws JsonPath.ParseException {
    loop:
    while (true) {
      switch (next()) {
        case EOF, '\n' -> throw new JsonPath.ParseException("unterminated array");
        case ']' -> {
          break loop;
        }
        default -> { }
      }
    }
    String text = consumeText();
    text = text.substring(1, text.length() - 1);
    if (text.equals("*")) {
      text = ":";
    }

    List<String> strs = split(text);
    if (strs.size() > 1) {
      List<ListNode> union = new ArrayList<>();
      for (String str : strs) {
        union.add(parseAction("[" + trimSpaces(str) + "]"));
      }
      cur.nodes().add(new UnionNode(List.copyOf(union)));
      return State.INSIDE;
    }

    Matcher dict = DICT_KEY.matcher(text);
    if (dict.matches()) {
      cur.nodes().addAll(parseAction("." + dict.group(1)).nodes());
      return State.INSIDE;
    }

    Matcher slice = SLICE.matcher(text);
    if (!slice.matches()) {
      throw new JsonPath.ParseException("invalid array index " + text);
    }
    String[] value = new String[3];
    for (int i = 0; i < 3; i++) {
      value[i] = slice.group(i + 1) == null ? "" : slice.group(i + 1);
    }
    Param[] params = new Param[3];
    for (int i = 0; i < 3; i++) {
      if (!value[i].isEmpty()) {
        if (i > 0) {
          value[i] = value[i].substring(1);
        }
        if (i > 0 && value[i].isEmpty()) {
          params[i] = new Param(0, false, false);
        } else {
          Long v = atoi(value[i]);
          if (v == null) {
            throw new JsonPath.ParseException("array index " + value[i] + " is not a number");
          }
          params[i] = new Param(v, true, false);
        }
      } else if (i == 1) {
        params[i] = new Param(params[0].value() + 1, true, true);
      } else {
        params[i] = new Param(0, false, false);
      }
    }
    cur.nodes().add(new ArrayNode(params[0], params[1], params[2]));
    return State.INSIDE;
  }

  private State parseFilter() throws JsonPath.ParseException {
    pos += 3;
    consumeText();
    boolean begin = false;
    boolean end = false;
    int pair = 0;
    loop:
    while (true) {
      int r = next();
      switch (r) {
        case EOF, '\n' -> throw new JsonPath.ParseException("unterminated filter");
        case '"', '\'' -> {
          if (!begin) {
            begin = true;
            pair = r;
            continue;
          }
          if (input.charAt(pos - 2) != '\\' && r == pair) {
            end = true;
          }
        }
        case ')' -> {
          if (begin == end) {
            break loop;
          }
        }
        default -> { }
      }
    }
    if (next() != ']') {
      throw new JsonPath.ParseException("unclosed array expect ]");
    }
    String text = consumeText();
    text = text.substring(0, text.length() - 2);
    Matcher m = FILTER.matcher(text);
    if (!m.matches()) {
      cur.nodes().add(new FilterNode(parseAction(text), new ListNode(List.of()), "exists"));
    } else {
      ListNode left = parseAction(m.group(1));
      ListNode right = parseAction(m.group(3));
      cur.nodes().add(new FilterNode(left, right, m.group(2)));
    }
    return State.INSIDE;
  }

  private State parseQuote(int end) throws JsonPath.ParseException {
    while (true) {
      int r = next();
      if (r == EOF || r == '\n') {
        throw new JsonPath.ParseException("unterminated quoted string");
      }
      if (r == end && input.charAt(pos - 2) != '\\') {
        break;
      }
    }
    String value = consumeText();
    cur.nodes().add(new TextNode(unquoteExtend(value)));
    return State.INSIDE;
  }

  private State parseField() {
    consumeText();
    while (advance()) {
      // scan
    }
    String value = consumeText();
    if (value.equals("*")) {
      cur.nodes().add(new WildcardNode());
    } else {
      cur.nodes().add(new FieldNode(value.replace("\\", "")));
    }
    return State.INSIDE;
  }

  private boolean advance() {
    int r = next();
    if (r == '\\') {
      next();
    } else if (isTerminator(r)) {
      backup();
      return false;
    }
    return true;
  }

  private static boolean isTerminator(int r) {
    if (r == ' ' || r == '\t' || isEndOfLine(r)) {
      return true;
    }
    return switch (r) {
      case EOF, '.', ',', '[', ']', '$', '@', '{', '}' -> true;
      default -> false;
    };
  }

  private static boolean isEndOfLine(int r) {
    return r == '\r' || r == '\n';
  }

  private static boolean isAlphaNumeric(int r) {
    return r == '_' || Character.isLetter(r) || Character.isDigit(r);
  }

  /** {@code strings.Split(s, ",")}. */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int i = s.indexOf(','); i >= 0; i = s.indexOf(',', from)) {
      out.add(s.substring(from, i));
      from = i + 1;
    }
    out.add(s.substring(from));
    return out;
  }

  /** {@code strings.Trim(s, " ")}. */
  private static String trimSpaces(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == ' ') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == ' ') {
      b--;
    }
    return s.substring(a, b);
  }

  /** jsonpath's {@code UnquoteExtend}: strconv.Unquote that also takes single quotes. */
  static String unquoteExtend(String s) throws JsonPath.ParseException {
    int n = s.length();
    if (n < 2) {
      throw syntax(s);
    }
    char quote = s.charAt(0);
    if (quote != s.charAt(n - 1)) {
      throw syntax(s);
    }
    s = s.substring(1, n - 1);
    if (quote != '"' && quote != '\'') {
      throw syntax(s);
    }
    if (s.indexOf('\\') < 0 && s.indexOf(quote) < 0) {
      return s;
    }
    StringBuilder buf = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == quote) {
        throw syntax(s);
      }
      if (c != '\\') {
        int cp = s.codePointAt(i);
        buf.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      if (i + 1 >= s.length()) {
        throw syntax(s);
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> buf.append('\u0007');
        case 'b' -> buf.append('\b');
        case 'f' -> buf.append('\f');
        case 'n' -> buf.append('\n');
        case 'r' -> buf.append('\r');
        case 't' -> buf.append('\t');
        case 'v' -> buf.append('\u000b');
        case 'x', 'u', 'U' -> {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (s.length() - i < digits) {
            throw syntax(s);
          }
          long v = 0;
          for (int j = 0; j < digits; j++) {
            int x = unhex(s.charAt(i + j));
            if (x < 0) {
              throw syntax(s);
            }
            v = v << 4 | x;
          }
          i += digits;
          if (e == 'x') {
            byteValue(buf, (int) v);
          } else {
            if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) { // utf8.ValidRune
              throw syntax(s);
            }
            buf.appendCodePoint((int) v);
          }
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int v = e - '0';
          if (s.length() - i < 2) {
            throw syntax(s);
          }
          for (int j = 0; j < 2; j++) {
            int x = s.charAt(i + j) - '0';
            if (x < 0 || x > 7) {
              throw syntax(s);
            }
            v = (v << 3) | x;
          }
          i += 2;
          if (v > 255) {
            throw syntax(s);
          }
          byteValue(buf, v);
        }
        case '\\' -> buf.append('\\');
        case '\'', '"' -> {
          if (e != quote) {
            throw syntax(s);
          }
          buf.append(e);
        }
        default -> throw syntax(s);
      }
    }
    return buf.toString();
  }

  private static int unhex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** A single-byte escape: ASCII is a char; a byte of 0x80 or more is not UTF-8 on its own. */
  private static void byteValue(StringBuilder buf, int b) {
    if (b >= 0x80) {
      throw new JsonPath.UnsupportedException("a quoted string with a non-UTF-8 byte escape");
    }
    buf.append((char) b);
  }

  private static JsonPath.ParseException syntax(String value) {
    return new JsonPath.ParseException("unquote string " + value + " error invalid syntax");
  }
}
