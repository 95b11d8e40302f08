package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * client-go v0.36.3 {@code util/jsonpath}, whole (parser.go, jsonpath.go, node.go), as the
 * apiserver's CRD table convertor uses it: the column's path wrapped as {@code {path}}, missing keys
 * allowed, evaluated over the object as unstructured decoding leaves it ({@code map[string]interface{}},
 * int64 or float64 numbers). Fields ({@code .a}, {@code \.} escapes), dict keys ({@code ['a']}, which
 * Go re-parses as {@code .a}: {@code ['a.b']} is {@code .a.b}), indexes and slices, {@code [*]} and
 * {@code .*}, recursive descent {@code ..}, unions {@code [a,b]}, filters {@code [?(@.x op y)]} with
 * text/template's comparisons, literals, several {@code {…}} actions and text between them.
 *
 * <p>Values are Go's: a {@link JsonNode} for decoded data (and for the string, bool and float64
 * literals, which are the same Go types), {@link GoInt} for an integer literal (Go {@code int}, not
 * {@code int64}: an integer column leaves it out) and {@link GoByte} for the bytes {@code *} and
 * {@code ..} yield from a string.
 *
 * <p>Map order: Go ranges a map in random order where jsonpath iterates one — {@code .*} and
 * {@code ..} over an object ({@code reflect.Value.MapKeys}); nowhere else (json.Marshal sorts keys;
 * the parser's prefix map has disjoint keys). Here those maps are ranged in key order (Go's byte
 * order), which is one of Go's orders: the apiserver decodes an object from its own sorted JSON, so a
 * map of up to 8 keys holds them in that order and Go's iteration, a rotation from a random slot,
 * gives it when it starts at the first. Where several keys could come first the apiserver's cell
 * itself varies from request to request (a larger map's order also depends on its hash seed); golden
 * vectors list every cell Go gave.
 *
 * <p>Bad input: a path Go cannot parse raises {@link ParseException} (the convertor drops that
 * column and those after it, as the apiserver does); {@code range} (Go's FindResults keeps range
 * state across calls, so the apiserver's cells depend on the requests before) and the rare
 * non-UTF-8 quoted byte raise {@link UnsupportedException} (Tables go upstream). An evaluation
 * error (index out of range, filter over a non-array, incomparable types, {@code end} outside a
 * range, an unknown identifier) makes the whole template fail, as Go's FindResults returns an error.
 * Immutable; thread-safe.
 */
public final class JsonPath {

  /** Go's parse error for the template. */
  public static final class ParseException extends Exception {
    ParseException(String message) {
      super(message, null, false, false);
    }
  }

  /** A template that parses in Go but that Breakwater does not evaluate (Tables go upstream). */
  public static final class UnsupportedException extends RuntimeException {
    UnsupportedException(String message) {
      super(message, null, false, false);
    }
  }

  /** Go's FindResults returned an error (Go's message). */
  static final class EvalException extends Exception {
    EvalException(String message) {
      super(message, null, false, false);
    }
  }

  /** An integer literal's value: Go {@code int}. */
  public record GoInt(long value) {}

  /** A byte of a string, from {@code *} or {@code ..} over it: Go {@code uint8}. */
  public record GoByte(int value) {}

  /** {@link #firstResult}'s answer when there is none (an error, or no value in the first action). */
  public static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "NONE";
    }
  };

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String text;
  private final ListNode root;

  private JsonPath(String text, ListNode root) {
    this.text = text;
    this.root = root;
  }

  /** The column's jsonPath as written in the CRD. */
  public String text() {
    return text;
  }

  /**
   * A CRD column's path, parsed as the convertor parses it: {@code jsonpath.Parse("{" + path + "}")}.
   *
   * @throws ParseException where Go's Parse fails
   * @throws UnsupportedException for {@code range} and non-UTF-8 byte escapes
   */
  public static JsonPath column(String path) throws ParseException {
    ListNode root;
    try {
      root = JsonPathParser.parse("{" + path + "}");
    } catch (StackOverflowError e) {
      throw new UnsupportedException("path nested too deeply");
    }
    if (usesRange(root)) {
      throw new UnsupportedException("range: FindResults keeps its state across calls");
    }
    return new JsonPath(path, root);
  }

  private static boolean usesRange(Node n) {
    return switch (n) {
      case IdentifierNode i -> i.name().equals("range");
      case ListNode l -> l.nodes().stream().anyMatch(JsonPath::usesRange);
      case UnionNode u -> u.nodes().stream().anyMatch(JsonPath::usesRange);
      case FilterNode f -> usesRange(f.left()) || usesRange(f.right());
      default -> false;
    };
  }

  /**
   * What the convertor takes from FindResults: {@code results[0][0]} (a JsonNode, possibly
   * NullNode, or a {@link GoInt}/{@link GoByte}), or {@link #NONE} on an error or when the first
   * action has no value.
   */
  public Object firstResult(JsonNode object) {
    try {
      List<List<Object>> results = findResults(object);
      if (results.isEmpty() || results.get(0).isEmpty()) {
        return NONE;
      }
      return results.get(0).get(0);
    } catch (EvalException e) {
      return NONE;
    }
  }

  /** Go's FindResults without range: one result list per top-level node. */
  List<List<Object>> findResults(JsonNode data) throws EvalException {
    List<Object> cur = List.of(data);
    List<List<Object>> full = new ArrayList<>();
    for (Node node : root.nodes()) {
      Res r = walk(cur, node);
      if (r.err() != null) {
        throw new EvalException(r.err());
      }
      full.add(r.values());
    }
    return full;
  }

  /** A Go (values, error) pair: on an error, Go returns some values too, which a filter's "exists" reads. */
  private record Res(List<Object> values, String err) {
    static Res ok(List<Object> values) {
      return new Res(values, null);
    }
  }

  private static Res walk(List<Object> value, Node node) {
    return switch (node) {
      case ListNode l -> evalList(value, l);
      case TextNode t -> Res.ok(List.of(NODES.textNode(t.text())));
      case FieldNode f -> evalField(value, f);
      case ArrayNode a -> evalArray(value, a);
      case FilterNode f -> evalFilter(value, f);
      case IntNode i -> Res.ok(copies(value.size(), new GoInt(i.value())));
      case BoolNode b -> Res.ok(copies(value.size(), BooleanNode.valueOf(b.value())));
      case FloatNode f -> Res.ok(copies(value.size(), DoubleNode.valueOf(f.value())));
      case WildcardNode w -> evalWildcard(value);
      case RecursiveNode r -> Res.ok(evalRecursive(value));
      case UnionNode u -> evalUnion(value, u);
      case IdentifierNode i -> evalIdentifier(value, i);
    };
  }

  private static List<Object> copies(int n, Object v) {
    List<Object> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(v);
    }
    return out;
  }

  private static Res evalList(List<Object> value, ListNode node) {
    List<Object> cur = value;
    for (Node n : node.nodes()) {
      Res r = walk(cur, n);
      if (r.err() != null) {
        return r;
      }
      cur = r.values();
    }
    return Res.ok(cur);
  }

  /** Without range only {@code end} (never in a range) and unknown words reach here: errors. */
  private static Res evalIdentifier(List<Object> input, IdentifierNode node) {
    if (node.name().equals("end")) {
      return new Res(List.of(), "not in range, nothing to end");
    }
    return new Res(input, "unrecognized identifier " + node.name());
  }

  /** template.Indirect: a JSON null (a nil interface) is nil. */
  private static boolean isNil(Object v) {
    return v instanceof JsonNode n && n.isNull();
  }

  private static Res evalArray(List<Object> input, ArrayNode node) {
    List<Object> result = new ArrayList<>();
    for (Object v : input) {
      if (isNil(v)) {
        continue;
      }
      if (!(v instanceof JsonNode n && n.isArray())) {
        return new Res(input, "not array or slice");
      }
      long len = n.size();
      long p0 = node.start().known() ? node.start().value() : 0;
      if (p0 < 0) {
        p0 += len;
      }
      long p1 = node.end().known() ? node.end().value() : len;
      if (node.end().known() && (p1 < 0 || (p1 == 0 && node.end().derived()))) {
        p1 += len;
      }
      if (p1 != p0) {
        if (p0 >= len || p0 < 0) {
          return new Res(input, "array index out of bounds: index " + p0 + ", length " + len);
        }
        if (p1 > len || p1 < 0) {
          return new Res(input, "array index out of bounds: index " + (p1 - 1) + ", length " + len);
        }
        if (p0 > p1) {
          return new Res(input, "starting index " + p0 + " is greater than ending index " + p1);
        }
      } else {
        return Res.ok(result);
      }
      long step = 1;
      if (node.step().known()) {
        if (node.step().value() <= 0) {
          return new Res(input, "step must be > 0");
        }
        step = node.step().value();
      }
      for (long i = p0; i < p1; i += step) {
        result.add(n.get((int) i));
      }
    }
    return Res.ok(result);
  }

  private static Res evalUnion(List<Object> input, UnionNode node) {
    List<Object> result = new ArrayList<>();
    for (ListNode l : node.nodes()) {
      Res r = evalList(input, l);
      if (r.err() != null) {
        return new Res(input, r.err());
      }
      result.addAll(r.values());
    }
    return Res.ok(result);
  }

  private static Res evalField(List<Object> input, FieldNode node) {
    List<Object> results = new ArrayList<>();
    for (Object v : input) {
      if (v instanceof JsonNode n && n.isObject()) {
        JsonNode f = n.get(node.name());
        if (f != null) {
          results.add(f);
        }
      }
    }
    return Res.ok(results); // AllowMissingKeys(true): nothing found is no error
  }

  /** The values {@code *} and {@code ..} range over: map values (in key order), elements, a string's bytes. */
  private static List<Object> children(Object v) {
    List<Object> out = new ArrayList<>();
    if (!(v instanceof JsonNode n)) {
      return out;
    }
    if (n.isObject()) {
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      keys.sort(GoValues.BYTE_ORDER);
      for (String k : keys) {
        out.add(n.get(k));
      }
    } else if (n.isArray()) {
      n.forEach(out::add);
    } else if (n.isTextual()) {
      for (byte b : n.textValue().getBytes(StandardCharsets.UTF_8)) {
        out.add(new GoByte(b & 0xff));
      }
    }
    return out;
  }

  private static Res evalWildcard(List<Object> input) {
    List<Object> results = new ArrayList<>();
    for (Object v : input) {
      if (!isNil(v)) {
        results.addAll(children(v));
      }
    }
    return Res.ok(results);
  }

  /** Pre-order: each value that has children, then its descendants; scalars and empty values are left out. */
  private static List<Object> evalRecursive(List<Object> input) {
    List<Object> result = new ArrayList<>();
    for (Object v : input) {
      if (isNil(v)) {
        continue;
      }
      List<Object> kids = children(v);
      if (!kids.isEmpty()) {
        result.add(v);
        result.addAll(evalRecursive(kids));
      }
    }
    return result;
  }

  private static Res evalFilter(List<Object> input, FilterNode node) {
    List<Object> results = new ArrayList<>();
    for (Object v : input) {
      if (!(v instanceof JsonNode n && n.isArray())) {
        return new Res(input, "not array or slice and cannot be filtered");
      }
      for (JsonNode item : n) {
        List<Object> temp = List.of(item);
        Res lefts = evalList(temp, node.left());
        if (node.op().equals("exists")) {
          if (!lefts.values().isEmpty()) {
            results.add(item);
          }
          continue;
        }
        if (lefts.err() != null) {
          return new Res(input, lefts.err());
        }
        if (lefts.values().isEmpty()) {
          continue;
        }
        if (lefts.values().size() > 1) {
          return new Res(input, "can only compare one element at a time");
        }
        Object left = lefts.values().get(0);
        Res rights = evalList(temp, node.right());
        if (rights.err() != null) {
          return new Res(input, rights.err());
        }
        if (rights.values().isEmpty()) {
          continue;
        }
        if (rights.values().size() > 1) {
          return new Res(input, "can only compare one element at a time");
        }
        Object right = rights.values().get(0);
        boolean pass;
        try {
          pass = switch (node.op()) {
            case "<" -> GoCompare.less(left, right);
            case ">" -> GoCompare.greater(left, right);
            case "==" -> GoCompare.equal(left, right);
            case "!=" -> !GoCompare.equal(left, right);
            case "<=" -> GoCompare.lessEqual(left, right);
            case ">=" -> !GoCompare.less(left, right);
            default -> throw new EvalException("unrecognized filter operator " + node.op());
          };
        } catch (EvalException e) {
          return new Res(results, e.getMessage());
        }
        if (pass) {
          results.add(item);
        }
      }
    }
    return Res.ok(results);
  }

  /** client-go's forked text/template comparisons (funcs.go) over jsonpath's values. */
  static final class GoCompare {
    private GoCompare() {}

    private enum Kind { BOOL, INT, UINT, FLOAT, STRING }

    private static Kind kind(Object v) throws EvalException {
      if (v instanceof GoInt) {
        return Kind.INT;
      }
      if (v instanceof GoByte) {
        return Kind.UINT;
      }
      JsonNode n = (JsonNode) v;
      if (n.isBoolean()) {
        return Kind.BOOL;
      }
      if (n.isTextual()) {
        return Kind.STRING;
      }
      if (n.isNumber()) {
        return GoValues.number(n) instanceof Long ? Kind.INT : Kind.FLOAT;
      }
      throw new EvalException("invalid type for comparison"); // nil, maps, slices
    }

    private static long intOf(Object v) {
      return v instanceof GoInt i ? i.value() : ((JsonNode) v).longValue();
    }

    static boolean equal(Object a, Object b) throws EvalException {
      Kind k1 = kind(a);
      Kind k2 = kind(b);
      if (k1 != k2) {
        if (k1 == Kind.INT && k2 == Kind.UINT) {
          return intOf(a) >= 0 && intOf(a) == ((GoByte) b).value();
        }
        if (k1 == Kind.UINT && k2 == Kind.INT) {
          return intOf(b) >= 0 && ((GoByte) a).value() == intOf(b);
        }
        throw new EvalException("incompatible types for comparison");
      }
      return switch (k1) {
        case BOOL -> ((JsonNode) a).booleanValue() == ((JsonNode) b).booleanValue();
        case FLOAT -> ((JsonNode) a).doubleValue() == ((JsonNode) b).doubleValue();
        case INT -> intOf(a) == intOf(b);
        case STRING -> ((JsonNode) a).textValue().equals(((JsonNode) b).textValue());
        case UINT -> ((GoByte) a).value() == ((GoByte) b).value();
      };
    }

    static boolean less(Object a, Object b) throws EvalException {
      Kind k1 = kind(a);
      Kind k2 = kind(b);
      if (k1 != k2) {
        if (k1 == Kind.INT && k2 == Kind.UINT) {
          return intOf(a) < 0 || intOf(a) < ((GoByte) b).value();
        }
        if (k1 == Kind.UINT && k2 == Kind.INT) {
          return intOf(b) >= 0 && ((GoByte) a).value() < intOf(b);
        }
        throw new EvalException("incompatible types for comparison");
      }
      return switch (k1) {
        case BOOL -> throw new EvalException("invalid type for comparison");
        case FLOAT -> ((JsonNode) a).doubleValue() < ((JsonNode) b).doubleValue();
        case INT -> intOf(a) < intOf(b);
        case STRING -> GoValues.BYTE_ORDER.compare(((JsonNode) a).textValue(), ((JsonNode) b).textValue()) < 0;
        case UINT -> ((GoByte) a).value() < ((GoByte) b).value();
      };
    }

    static boolean lessEqual(Object a, Object b) throws EvalException {
      return less(a, b) || equal(a, b);
    }

    static boolean greater(Object a, Object b) throws EvalException {
      return !lessEqual(a, b);
    }
  }
}
