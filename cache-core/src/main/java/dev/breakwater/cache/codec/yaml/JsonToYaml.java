package dev.breakwater.cache.codec.yaml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The apiserver's YAML serializer ({@code sigs.k8s.io/yaml.JSONToYAML} v1.6.0 over
 * go.yaml.in/yaml/v2 v2.4.3, which k8s.io/apimachinery's json serializer calls with
 * {@code Yaml: true}) on the JSON bytes of an object: the JSON is read as yaml.v2 reads it (as a
 * YAML flow document: strings with its double-quoted escapes and line folding of raw breaks,
 * numbers resolved to int, uint64 or float64 — or kept as text when none fits), then marshalled as
 * yaml.v2 marshals a {@code map[interface{}]interface{}}: keys in {@code keyList.Less} order, strings
 * plain when they would read back as strings, else double-quoted (literal block style when they
 * hold a newline, as the emitter allows), floats as {@code FormatFloat(f, 'g', -1, 64)}, empty
 * collections {@code {}}/{@code []}, long scalars folded at column 80.
 *
 * <p>Bad input: bytes yaml.v2 would refuse, or that are not JSON, throw
 * {@link YamlConversionException} before any output is produced for that value.
 *
 * <p>Pure functions over their arguments; safe from any thread.
 */
public final class JsonToYaml {

  private JsonToYaml() {}

  /** {@code JSONToYAML(json)}: one YAML document (ending in a newline). */
  public static byte[] convert(byte[] json) {
    Node n = parse(json);
    YamlEmitter e = new YamlEmitter();
    e.emit(YamlEmitter.STREAM_START);
    e.emit(YamlEmitter.DOCUMENT_START);
    n.emit(e);
    e.emit(YamlEmitter.DOCUMENT_END);
    e.finish();
    return e.take();
  }

  /** Whether {@link #convert} succeeds on {@code json} (the conversion, output dropped). */
  public static boolean convertible(byte[] json) {
    try {
      parse(json);
      return true;
    } catch (YamlConversionException e) {
      return false;
    }
  }

  // ---- the value tree

  /** A value read from JSON, ready to emit. */
  sealed interface Node permits Scalar, MapNode, SeqNode {
    void emit(YamlEmitter e);
  }

  /** A scalar: its UTF-8 text and the style yaml.v2's encoder asks for. */
  record Scalar(byte[] text, int style) implements Node {
    @Override
    public void emit(YamlEmitter e) {
      e.scalar(text, style);
    }
  }

  /** A mapping with its keys sorted. */
  record MapNode(Scalar[] keys, Node[] values) implements Node {
    @Override
    public void emit(YamlEmitter e) {
      e.emit(YamlEmitter.MAPPING_START);
      for (int i = 0; i < keys.length; i++) {
        keys[i].emit(e);
        values[i].emit(e);
      }
      e.emit(YamlEmitter.MAPPING_END);
    }
  }

  record SeqNode(Node[] items) implements Node {
    @Override
    public void emit(YamlEmitter e) {
      e.emit(YamlEmitter.SEQUENCE_START);
      for (Node n : items) {
        n.emit(e);
      }
      e.emit(YamlEmitter.SEQUENCE_END);
    }
  }

  private static final Scalar NULL = new Scalar(bytes("null"), YamlEmitter.PLAIN);
  private static final Scalar TRUE = new Scalar(bytes("true"), YamlEmitter.PLAIN);
  private static final Scalar FALSE = new Scalar(bytes("false"), YamlEmitter.PLAIN);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** yaml.v2's {@code stringv}: literal if it holds a newline, plain if it reads back as a string, else double-quoted. */
  static Scalar string(byte[] utf8) {
    boolean newline = false;
    for (byte c : utf8) {
      if (c == '\n') {
        newline = true;
        break;
      }
    }
    boolean canUsePlain;
    if (utf8.length > 0 && GoYamlValues.hint(utf8[0]) == 0) {
      canUsePlain = true; // resolve gives !!str at once; isBase60Float needs a sign or digit first
    } else {
      String s = new String(utf8, StandardCharsets.UTF_8);
      canUsePlain = GoYamlValues.resolve(s).tag() == GoYamlValues.Tag.STR && !GoYamlValues.isBase60Float(s);
    }
    int style = newline ? YamlEmitter.LITERAL : canUsePlain ? YamlEmitter.PLAIN : YamlEmitter.DOUBLE_QUOTED;
    return new Scalar(utf8, style);
  }

  /** A JSON number token as yaml.v2 decodes (resolve) and re-encodes it. */
  static Scalar number(String token) {
    GoYamlValues.Resolved r = GoYamlValues.resolve(token);
    return switch (r.tag()) {
      case INT, FLOAT -> new Scalar(bytes(r.numberText()), YamlEmitter.PLAIN);
      case STR -> string(bytes(token));
      default -> throw new YamlConversionException("unexpected number " + token);
    };
  }

  // ---- the reader

  static Node parse(byte[] json) {
    checkCharacters(json);
    Reader r = new Reader(json);
    r.ws();
    Node n = r.value(0);
    r.ws();
    if (r.p != json.length) {
      throw new YamlConversionException("trailing data after JSON value");
    }
    return n;
  }

  /** yaml.v2's reader: UTF-8 only, and only #x9 #xA #xD [#x20-#x7E] #x85 [#xA0-#xD7FF] [#xE000-#xFFFD] [#x10000-#x10FFFF]. */
  static void checkCharacters(byte[] b) {
    for (int i = 0; i < b.length;) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        if (!(c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E))) {
          throw new YamlConversionException("yaml: control characters are not allowed");
        }
        i++;
        continue;
      }
      int w = YamlEmitter.width((byte) c);
      if (w < 2 || i + w > b.length) {
        throw new YamlConversionException("yaml: invalid UTF-8");
      }
      int cp = c & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
      for (int k = 1; k < w; k++) {
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          throw new YamlConversionException("yaml: invalid UTF-8");
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      boolean ok = cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (!ok) {
        throw new YamlConversionException("yaml: control characters are not allowed");
      }
      i += w;
    }
  }

  private static final int MAX_DEPTH = 10000;

  /** A JSON reader with yaml.v2's scanner rules for double-quoted scalars. */
  private static final class Reader {
    final byte[] b;
    int p;

    Reader(byte[] b) {
      this.b = b;
    }

    int at(int i) {
      return i < b.length ? b[i] & 0xFF : 0;
    }

    void ws() {
      while (p < b.length && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
        p++;
      }
    }

    YamlConversionException bad(String what) {
      return new YamlConversionException("not JSON at byte " + p + ": " + what);
    }

    Node value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new YamlConversionException("yaml: exceeded max depth of 10000");
      }
      int c = at(p);
      switch (c) {
        case '{' -> {
          return object(depth + 1);
        }
        case '[' -> {
          return array(depth + 1);
        }
        case '"' -> {
          return string(str(false));
        }
        case 't' -> {
          literal("true");
          return TRUE;
        }
        case 'f' -> {
          literal("false");
          return FALSE;
        }
        case 'n' -> {
          literal("null");
          return NULL;
        }
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            int start = p;
            p++;
            while (p < b.length) {
              int d = b[p];
              if ((d >= '0' && d <= '9') || d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
                p++;
              } else {
                break;
              }
            }
            return number(new String(b, start, p - start, StandardCharsets.ISO_8859_1));
          }
          throw bad("unexpected character");
        }
      }
    }

    void literal(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (at(p + i) != s.charAt(i)) {
          throw bad("unexpected literal");
        }
      }
      p += s.length();
    }

    Node object(int depth) {
      p++;
      ws();
      List<Scalar> keys = new ArrayList<>();
      List<Node> values = new ArrayList<>();
      if (at(p) == '}') {
        p++;
        return new MapNode(new Scalar[0], new Node[0]);
      }
      while (true) {
        ws();
        if (at(p) != '"') {
          throw bad("expected a key");
        }
        byte[] key = str(true);
        ws();
        if (at(p) != ':') {
          throw bad("expected ':'");
        }
        p++;
        ws();
        Node v = value(depth);
        // duplicate keys: the last wins (SetMapIndex)
        int dup = -1;
        for (int i = 0; i < keys.size(); i++) {
          if (java.util.Arrays.equals(keys.get(i).text(), key)) {
            dup = i;
            break;
          }
        }
        if (dup >= 0) {
          values.set(dup, v);
        } else {
          keys.add(JsonToYaml.string(key));
          values.add(v);
        }
        ws();
        int c = at(p);
        p++;
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw bad("expected ',' or '}'");
        }
      }
      return sorted(keys, values);
    }

    Node array(int depth) {
      p++;
      ws();
      List<Node> items = new ArrayList<>();
      if (at(p) == ']') {
        p++;
        return new SeqNode(new Node[0]);
      }
      while (true) {
        ws();
        items.add(value(depth));
        ws();
        int c = at(p);
        p++;
        if (c == ']') {
          break;
        }
        if (c != ',') {
          throw bad("expected ',' or ']'");
        }
      }
      return new SeqNode(items.toArray(new Node[0]));
    }

    /**
     * A double-quoted scalar as yaml.v2's {@code yaml_parser_scan_flow_scalar} reads it: YAML
     * escapes, and raw line breaks (NEL, LS, PS) folded with the blanks around them. For a key,
     * the simple-key rules: it must end on the line it began and the ':' must come at most 1024
     * characters after its opening quote.
     */
    byte[] str(boolean key) {
      // Fast path: printable ASCII and no escape — the scanner keeps such a string as it is (its
      // blanks are put back when no line break follows them).
      int end = p + 1;
      while (end < b.length && b[end] >= 0x20 && b[end] != '\\' && b[end] != '"') {
        end++;
      }
      if (end < b.length && b[end] == '"' && (!key || end - p + 1 <= 1000)) {
        byte[] r = java.util.Arrays.copyOfRange(b, p + 1, end);
        p = end + 1;
        return r;
      }
      YamlEmitter.Bytes s = new YamlEmitter.Bytes();
      YamlEmitter.Bytes leadingBreak = new YamlEmitter.Bytes();
      YamlEmitter.Bytes trailingBreaks = new YamlEmitter.Bytes();
      YamlEmitter.Bytes whitespaces = new YamlEmitter.Bytes();
      long chars = 1; // characters from the opening quote (yaml mark.index)
      long col = 1; // yaml mark.column (not 0: a JSON string never starts a line)
      boolean newLine = false;
      p++;
      while (true) {
        if (col == 0 && ((at(p) == '-' && at(p + 1) == '-' && at(p + 2) == '-') || (at(p) == '.' && at(p + 1) == '.' && at(p + 2) == '.'))
            && YamlEmitter.isBlankz(b, p + 3)) {
          throw new YamlConversionException("yaml: found unexpected document indicator");
        }
        if (p >= b.length) {
          throw new YamlConversionException("yaml: found unexpected end of stream");
        }
        boolean leadingBlanks = false;
        while (!YamlEmitter.isBlankz(b, p)) {
          int c = at(p);
          if (c == '"') {
            break;
          }
          if (c == '\\' && YamlEmitter.isBreak(b, p + 1)) {
            p++;
            chars++;
            p += breakWidth(p);
            chars++;
            col = 0;
            newLine = true;
            leadingBlanks = true;
            break;
          }
          if (c == '\\') {
            int codeLength = 0;
            switch (at(p + 1)) {
              case '0' -> s.add(0);
              case 'a' -> s.add(0x07);
              case 'b' -> s.add(0x08);
              case 't', '\t' -> s.add(0x09);
              case 'n' -> s.add(0x0A);
              case 'v' -> s.add(0x0B);
              case 'f' -> s.add(0x0C);
              case 'r' -> s.add(0x0D);
              case 'e' -> s.add(0x1B);
              case ' ' -> s.add(0x20);
              case '"' -> s.add('"');
              case '\'' -> s.add('\'');
              case '\\' -> s.add('\\');
              case 'N' -> {
                s.add(0xC2);
                s.add(0x85);
              }
              case '_' -> {
                s.add(0xC2);
                s.add(0xA0);
              }
              case 'L' -> {
                s.add(0xE2);
                s.add(0x80);
                s.add(0xA8);
              }
              case 'P' -> {
                s.add(0xE2);
                s.add(0x80);
                s.add(0xA9);
              }
              case 'x' -> codeLength = 2;
              case 'u' -> codeLength = 4;
              case 'U' -> codeLength = 8;
              default -> throw new YamlConversionException("yaml: found unknown escape character");
            }
            p += 2;
            chars += 2;
            col += 2;
            if (codeLength > 0) {
              int v = 0;
              for (int k = 0; k < codeLength; k++) {
                int h = at(p + k);
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (d < 0) {
                  throw new YamlConversionException("yaml: did not find expected hexdecimal number");
                }
                v = (v << 4) + d;
              }
              if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF || v < 0) {
                throw new YamlConversionException("yaml: found invalid Unicode character escape code");
              }
              appendUtf8(s, v);
              p += codeLength;
              chars += codeLength;
              col += codeLength;
            }
            continue;
          }
          int w = Math.max(YamlEmitter.width(b[p]), 1);
          for (int k = 0; k < w; k++) {
            s.add(b[p + k]);
          }
          p += w;
          chars++;
          col++;
        }
        if (at(p) == '"') {
          break;
        }
        while (YamlEmitter.isBlank(b, p) || YamlEmitter.isBreak(b, p)) {
          if (YamlEmitter.isBlank(b, p)) {
            if (!leadingBlanks) {
              whitespaces.add(b[p]);
            }
            p++;
            chars++;
            col++;
          } else {
            YamlEmitter.Bytes target = leadingBlanks ? trailingBreaks : leadingBreak;
            if (!leadingBlanks) {
              whitespaces.size = 0;
              leadingBlanks = true;
            }
            readLine(target);
            chars++;
            col = 0;
            newLine = true;
          }
        }
        if (leadingBlanks) {
          if (leadingBreak.size > 0 && leadingBreak.buf[0] == '\n') {
            if (trailingBreaks.size == 0) {
              s.add(' ');
            } else {
              append(s, trailingBreaks);
            }
          } else {
            append(s, leadingBreak);
            append(s, trailingBreaks);
          }
          trailingBreaks.size = 0;
          leadingBreak.size = 0;
        } else {
          append(s, whitespaces);
          whitespaces.size = 0;
        }
      }
      p++; // closing quote
      chars++;
      if (key) {
        // the ':' follows at once in compact JSON; whitespace before it counts as characters too
        int q = p;
        while (q < b.length && (b[q] == ' ' || b[q] == '\t' || b[q] == '\n' || b[q] == '\r')) {
          q++;
          chars++;
          if (b[q - 1] == '\n' || b[q - 1] == '\r') {
            newLine = true;
          }
        }
        if (newLine || chars > 1024) {
          throw new YamlConversionException("yaml: did not find expected ',' or '}'");
        }
      }
      byte[] r = new byte[s.size];
      System.arraycopy(s.buf, 0, r, 0, s.size);
      return r;
    }

    /** read_line: CR LF, CR, LF and NEL become LF; LS and PS are kept. */
    void readLine(YamlEmitter.Bytes target) {
      int c = at(p);
      if (c == '\r' && at(p + 1) == '\n') {
        target.add('\n');
        p += 2;
      } else if (c == '\r' || c == '\n') {
        target.add('\n');
        p++;
      } else if (c == 0xC2 && at(p + 1) == 0x85) {
        target.add('\n');
        p += 2;
      } else {
        target.add(b[p]);
        target.add(b[p + 1]);
        target.add(b[p + 2]);
        p += 3;
      }
    }

    int breakWidth(int i) {
      int c = at(i);
      if (c == '\r' && at(i + 1) == '\n') {
        return 2;
      }
      return c == 0xC2 ? 2 : c == 0xE2 ? 3 : 1;
    }
  }

  private static void append(YamlEmitter.Bytes to, YamlEmitter.Bytes from) {
    for (int i = 0; i < from.size; i++) {
      to.add(from.buf[i]);
    }
  }

  private static void appendUtf8(YamlEmitter.Bytes s, int v) {
    if (v <= 0x7F) {
      s.add(v);
    } else if (v <= 0x7FF) {
      s.add(0xC0 + (v >> 6));
      s.add(0x80 + (v & 0x3F));
    } else if (v <= 0xFFFF) {
      s.add(0xE0 + (v >> 12));
      s.add(0x80 + ((v >> 6) & 0x3F));
      s.add(0x80 + (v & 0x3F));
    } else {
      s.add(0xF0 + (v >> 18));
      s.add(0x80 + ((v >> 12) & 0x3F));
      s.add(0x80 + ((v >> 6) & 0x3F));
      s.add(0x80 + (v & 0x3F));
    }
  }

  /** Keys sorted with yaml.v2's keyList.Less (a merge sort: never fails on an order that is not transitive). */
  private static MapNode sorted(List<Scalar> keys, List<Node> values) {
    int n = keys.size();
    Integer[] idx = new Integer[n];
    int[][] runes = new int[n][];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
      runes[i] = new String(keys.get(i).text(), StandardCharsets.UTF_8).codePoints().toArray();
    }
    mergeSort(idx, new Integer[n], 0, n, runes);
    Scalar[] k = new Scalar[n];
    Node[] v = new Node[n];
    for (int i = 0; i < n; i++) {
      k[i] = keys.get(idx[i]);
      v[i] = values.get(idx[i]);
    }
    return new MapNode(k, v);
  }

  private static void mergeSort(Integer[] a, Integer[] tmp, int lo, int hi, int[][] runes) {
    if (hi - lo < 2) {
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(a, tmp, lo, mid, runes);
    mergeSort(a, tmp, mid, hi, runes);
    int i = lo;
    int j = mid;
    int k = lo;
    while (i < mid && j < hi) {
      tmp[k++] = GoYamlValues.keyLess(runes[a[j]], runes[a[i]]) ? a[j++] : a[i++];
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    while (j < hi) {
      tmp[k++] = a[j++];
    }
    System.arraycopy(tmp, lo, a, lo, hi - lo);
  }
}
