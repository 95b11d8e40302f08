package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of client-go's {@code util/jsonpath} that CRD {@code additionalPrinterColumns} use,
 * evaluated as the apiserver's CRD table convertor evaluates it (missing keys allowed, over the
 * object decoded as unstructured): fields {@code .a.b} (with {@code \.} escapes) and
 * {@code ['a.b']}, indexes and slices {@code [0]}, {@code [-1]}, {@code [1:3]}, {@code [*]}, and
 * filters {@code [?(@.type=="Ready")]} ({@code == != < > <= >=} against a string, integer or
 * float literal, or existence {@code [?(@.x)]}). Anything else is rejected at {@link #parse},
 * and the resource's Tables then go upstream.
 *
 * <p>Evaluation errors (an index out of range, a filter over a non-array, comparing a string with
 * a number) make the whole path fail, as in Go: the cell is then null. Immutable; thread-safe.
 */
public final class JsonPath {

  /** One step of a path. */
  sealed interface Step permits Field, Slice, Wildcard, Filter {}

  record Field(String name) implements Step {}

  /** {@code [a:b:c]} with Go's Known/Derived flags; an index {@code [n]} is {@code [n:n+1]} derived. */
  record Slice(Integer start, Integer end, boolean endDerived, Integer step) implements Step {}

  record Wildcard() implements Step {}

  /** {@code [?(@.left op right)]}; {@code op} null for existence. */
  record Filter(List<Step> left, String op, Object right) implements Step {}

  /** Raised by {@link #evaluate} as Go's FindResults returns an error. */
  static final class EvalException extends Exception {
    EvalException(String m) {
      super(m, null, false, false);
    }
  }

  private final String text;
  private final List<Step> steps;

  private JsonPath(String text, List<Step> steps) {
    this.text = text;
    this.steps = steps;
  }

  public String text() {
    return text;
  }

  /** Parses a column's {@code jsonPath}; IllegalArgumentException for syntax outside the subset. */
  public static JsonPath parse(String path) {
    Parser p = new Parser(path);
    List<Step> steps = p.steps(false);
    if (p.pos != path.length()) {
      throw new IllegalArgumentException("unsupported JSONPath " + path + " at " + p.pos);
    }
    return new JsonPath(path, List.copyOf(steps));
  }

  /** The values the path selects, in order (JSON nulls included as NullNode). */
  public List<JsonNode> evaluate(JsonNode root) throws EvalException {
    return walk(List.of(root), steps);
  }

  private static List<JsonNode> walk(List<JsonNode> in, List<Step> steps) throws EvalException {
    List<JsonNode> cur = in;
    for (Step s : steps) {
      cur = step(cur, s);
    }
    return cur;
  }

  private static List<JsonNode> step(List<JsonNode> in, Step s) throws EvalException {
    List<JsonNode> out = new ArrayList<>();
    switch (s) {
      case Field f -> {
        for (JsonNode v : in) {
          if (v == null || v.isNull()) {
            continue;
          }
          if (v.isObject() && v.has(f.name())) {
            out.add(v.get(f.name()));
          }
        }
      }
      case Wildcard w -> {
        for (JsonNode v : in) {
          if (v == null || v.isNull()) {
            continue;
          }
          if (v.isArray()) {
            v.forEach(out::add);
          } else if (v.isObject()) {
            // Go ranges over a map in random order; sorted keys are one of its orders.
            List<String> keys = new ArrayList<>();
            v.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            for (String k : keys) {
              out.add(v.get(k));
            }
          } else if (v.isTextual()) {
            throw new EvalException("wildcard over a string"); // Go yields bytes; not modelled
          }
        }
      }
      case Slice sl -> {
        for (JsonNode v : in) {
          if (v == null || v.isNull()) {
            continue;
          }
          if (!v.isArray()) {
            throw new EvalException("not array or slice");
          }
          int len = v.size();
          int start = sl.start() == null ? 0 : sl.start();
          if (start < 0) {
            start += len;
          }
          int end = sl.end() == null ? len : sl.end();
          if (sl.end() != null && (end < 0 || (end == 0 && sl.endDerived()))) {
            end += len;
          }
          if (end == start) {
            return out; // Go returns the (empty) result at once
          }
          if (start >= len || start < 0) {
            throw new EvalException("array index out of bounds");
          }
          if (end > len || end < 0) {
            throw new EvalException("array index out of bounds");
          }
          if (start > end) {
            throw new EvalException("starting index greater than ending index");
          }
          int stepBy = 1;
          if (sl.step() != null) {
            if (sl.step() <= 0) {
              throw new EvalException("step must be > 0");
            }
            stepBy = sl.step();
          }
          for (int i = start; i < end; i += stepBy) {
            out.add(v.get(i));
          }
        }
      }
      case Filter f -> {
        for (JsonNode v : in) {
          if (v == null || !v.isArray()) {
            throw new EvalException("not array or slice and cannot be filtered");
          }
          for (JsonNode item : v) {
            List<JsonNode> lefts = walk(List.of(item), f.left());
            if (f.op() == null) {
              if (!lefts.isEmpty()) {
                out.add(item);
              }
              continue;
            }
            if (lefts.isEmpty()) {
              continue;
            }
            if (lefts.size() > 1) {
              throw new EvalException("can only compare one element at a time");
            }
            if (compare(lefts.get(0), f.op(), f.right())) {
              out.add(item);
            }
          }
        }
      }
    }
    return out;
  }

  /** text/template's eq/ne/lt/… on basic kinds: same kind or an error. */
  private static boolean compare(JsonNode left, String op, Object right) throws EvalException {
    int c;
    if (right instanceof String r) {
      if (!left.isTextual()) {
        throw new EvalException("incompatible types for comparison");
      }
      c = left.textValue().compareTo(r);
    } else if (right instanceof Long r) {
      Object l = left.isNumber() ? GoValues.number(left) : null;
      if (!(l instanceof Long ll)) {
        throw new EvalException("incompatible types for comparison");
      }
      c = Long.compare(ll, r);
    } else if (right instanceof Double r) {
      Object l = left.isNumber() ? GoValues.number(left) : null;
      if (!(l instanceof Double ld)) {
        throw new EvalException("incompatible types for comparison");
      }
      c = Double.compare(ld, r);
    } else {
      throw new EvalException("unsupported literal");
    }
    return switch (op) {
      case "==" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case ">" -> c > 0;
      case "<=" -> c <= 0;
      case ">=" -> c >= 0;
      default -> throw new EvalException("unrecognized filter operator " + op);
    };
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    boolean at(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    IllegalArgumentException bad() {
      return new IllegalArgumentException("unsupported JSONPath " + s + " at " + pos);
    }

    /** Steps until the end, or (inside a filter) until an operator or ')'. */
    List<Step> steps(boolean inFilter) {
      List<Step> out = new ArrayList<>();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.') {
          pos++;
          if (at('.')) {
            throw bad(); // recursive descent: not modelled
          }
          if (at('*')) {
            pos++;
            out.add(new Wildcard());
            continue;
          }
          out.add(new Field(name()));
        } else if (c == '[') {
          out.add(bracket());
        } else if (inFilter) {
          break;
        } else {
          throw bad();
        }
      }
      return out;
    }

    String name() {
      StringBuilder sb = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '.') {
          sb.append('.');
          pos += 2;
          continue;
        }
        if (c == '.' || c == '[' || c == ']' || c == '{' || c == '}' || c == '(' || c == ')' || c == ' ' || c == '='
            || c == '!' || c == '<' || c == '>' || c == '\'' || c == '"' || c == '@' || c == ',' || c == '\\' || c == '$'
            || c == '?' || c == '*' || c == '\t') {
          break;
        }
        sb.append(c);
        pos++;
      }
      if (sb.isEmpty()) {
        throw bad();
      }
      return sb.toString();
    }

    Step bracket() {
      pos++; // '['
      if (at('?')) {
        pos++;
        expect('(');
        expect('@');
        List<Step> left = steps(true);
        skipSpaces();
        String op = null;
        Object right = null;
        if (!at(')')) {
          op = operator();
          skipSpaces();
          right = literal();
          skipSpaces();
        }
        expect(')');
        expect(']');
        return new Filter(List.copyOf(left), op, right);
      }
      if (at('*')) {
        pos++;
        expect(']');
        return new Wildcard();
      }
      if (at('\'') || at('"')) {
        char q = s.charAt(pos++);
        int end = s.indexOf(q, pos);
        if (end < 0) {
          throw bad();
        }
        String name = s.substring(pos, end);
        pos = end + 1;
        expect(']');
        return new Field(name);
      }
      Integer[] parts = new Integer[3];
      int n = 0;
      while (true) {
        skipSpaces();
        parts[n] = integer();
        skipSpaces();
        if (at(':') && n < 2) {
          pos++;
          n++;
          continue;
        }
        break;
      }
      expect(']');
      if (n == 0) {
        if (parts[0] == null) {
          throw bad();
        }
        return new Slice(parts[0], parts[0] + 1, true, null);
      }
      return new Slice(parts[0], parts[1], false, parts[2]);
    }

    Integer integer() {
      int start = pos;
      if (at('-')) {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        return null;
      }
      try {
        return Integer.parseInt(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw bad();
      }
    }

    String operator() {
      for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
        if (s.startsWith(op, pos)) {
          pos += op.length();
          return op;
        }
      }
      throw bad();
    }

    Object literal() {
      if (at('\'') || at('"')) {
        char q = s.charAt(pos++);
        int end = s.indexOf(q, pos);
        if (end < 0) {
          throw bad();
        }
        String v = s.substring(pos, end);
        pos = end + 1;
        return v;
      }
      int start = pos;
      if (at('-')) {
        pos++;
      }
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
        pos++;
      }
      String num = s.substring(start, pos);
      if (num.isEmpty() || num.equals("-")) {
        throw bad();
      }
      return num.contains(".") ? (Object) Double.parseDouble(num) : (Object) Long.parseLong(num);
    }

    void skipSpaces() {
      while (at(' ')) {
        pos++;
      }
    }

    void expect(char c) {
      if (!at(c)) {
        throw bad();
      }
      pos++;
    }
  }
}
