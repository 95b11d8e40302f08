package dev.breakwater.cache.request;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw query string parsed as Go's {@code url.ParseQuery} (what {@code req.URL.Query()} gives the
 * apiserver's handlers): pairs split on {@code &}; a pair containing {@code ;} is dropped (Go 1.17+);
 * empty pairs are skipped; key and value are unescaped ({@code +} → space, {@code %XX}); a pair whose
 * key or value has a malformed escape is dropped; a pair without {@code =} has the value "". Values
 * keep their order; {@link #first} is {@code values[0]}, as the apiserver's conversions read.
 *
 * <p>Go strings are bytes: a value that unescapes to invalid UTF-8 is kept with U+FFFD replacements
 * and flagged ({@link #invalidUtf8}), so callers that would have to quote its bytes in an error can
 * leave the answer to the apiserver. Immutable; thread-safe.
 */
public final class GoQuery {

  private static final GoQuery EMPTY = new GoQuery(Map.of(), List.of());

  private final Map<String, List<String>> values;
  private final List<String> invalidUtf8;

  private GoQuery(Map<String, List<String>> values, List<String> invalidUtf8) {
    this.values = values;
    this.invalidUtf8 = invalidUtf8;
  }

  /** Parses {@code rawQuery} (without the {@code ?}); null or "" is the empty query. Never throws. */
  public static GoQuery parse(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<String>> m = new LinkedHashMap<>();
    List<String> bad = new ArrayList<>();
    int start = 0;
    while (start <= rawQuery.length()) {
      int amp = rawQuery.indexOf('&', start);
      String pair = amp < 0 ? rawQuery.substring(start) : rawQuery.substring(start, amp);
      start = amp < 0 ? rawQuery.length() + 1 : amp + 1;
      if (pair.indexOf(';') >= 0 || pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      byte[] k = unescape(eq < 0 ? pair : pair.substring(0, eq));
      byte[] v = unescape(eq < 0 ? "" : pair.substring(eq + 1));
      if (k == null || v == null) {
        continue;
      }
      String key = utf8(k);
      String value = utf8(v);
      boolean keyOk = key != null;
      boolean valueOk = value != null;
      if (!keyOk) {
        key = new String(k, StandardCharsets.UTF_8);
      }
      if (!valueOk) {
        value = new String(v, StandardCharsets.UTF_8);
      }
      if (!keyOk || !valueOk) {
        bad.add(key);
      }
      m.computeIfAbsent(key, x -> new ArrayList<>(1)).add(value);
    }
    return new GoQuery(m, bad);
  }

  /** {@code values[name][0]}, or null when the parameter is absent. */
  public String first(String name) {
    List<String> v = values.get(name);
    return v == null ? null : v.get(0);
  }

  /** {@link #first}, "" when absent. */
  public String firstOrEmpty(String name) {
    String v = first(name);
    return v == null ? "" : v;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** Every value of {@code name}, in order (empty when absent). */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The parameter names, in order of first appearance. */
  public List<String> names() {
    return List.copyOf(values.keySet());
  }

  /** Whether some value of {@code name} (or the key itself) unescaped to bytes that are not UTF-8. */
  public boolean invalidUtf8(String name) {
    return invalidUtf8.contains(name);
  }

  /** Go's {@code unescape(s, encodeQueryComponent)}: null on a malformed {@code %} escape. */
  static byte[] unescape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '%') {
        if (i + 2 >= raw.length || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0) {
          return null;
        }
        out.write(hex(raw[i + 1]) << 4 | hex(raw[i + 2]));
        i += 2;
      } else if (b == '+') {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  private static int hex(byte c) {
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

  /** The bytes as a string when they are valid UTF-8, else null. */
  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
