package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.golang.GoJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Values as Go sees them after the apiserver decodes an object into {@code map[string]interface{}}
 * (unstructured: integers that fit int64 are {@code int64}, other numbers {@code float64}) and how
 * Go prints them: {@code encoding/json} (table cells, nested values) and {@code fmt.Fprint}
 * ({@code %v}, a JSONPath string column's scalar). Pure; thread-safe.
 */
public final class GoValues {

  private GoValues() {}

  /** Go's string order: by UTF-8 bytes, which is code point order (String.compareTo differs past U+FFFF). */
  public static final java.util.Comparator<String> BYTE_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  };

  /** A JSON number as unstructured decoding types it: Long (int64) or Double (float64). */
  public static Object number(JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    return n.doubleValue();
  }

  /** {@code json.Marshal} of a float64 (encoding/json floatEncoder): exponent form below 1e-6 and from 1e21. */
  public static String jsonFloat(double f) {
    if (f == 0) {
      return (1 / f < 0) ? "-0" : "0";
    }
    double abs = Math.abs(f);
    if (abs < 1e-6 || abs >= 1e21) {
      String s = exponent(f);
      int n = s.length();
      if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
        s = s.substring(0, n - 2) + s.charAt(n - 1);
      }
      return s;
    }
    return new BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
  }

  /**
   * {@code fmt.Sprint} of a float64: {@code %g} with the shortest digits, in exponent form when
   * the exponent is below -4 or at least 6 ({@code 1e+06}, {@code 123456}, {@code 1e-05}).
   */
  public static String fmtFloat(double f) {
    if (f == 0) {
      return (1 / f < 0) ? "-0" : "0";
    }
    if (Double.isNaN(f)) {
      return "NaN";
    }
    if (Double.isInfinite(f)) {
      return f > 0 ? "+Inf" : "-Inf";
    }
    BigDecimal bd = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    int digits = bd.unscaledValue().abs().toString().length();
    int exp = digits - bd.scale() - 1;
    if (exp < -4 || exp >= 6) {
      return exponent(f);
    }
    return bd.toPlainString();
  }

  /** strconv 'e' with the shortest digits: {@code d.ddde±XX} (at least two exponent digits). */
  private static String exponent(double f) {
    BigDecimal bd = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    String digits = bd.unscaledValue().abs().toString();
    int exp = digits.length() - bd.scale() - 1;
    StringBuilder sb = new StringBuilder();
    if (f < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    sb.append(a);
    return sb.toString();
  }

  /** {@code json.Marshal} of an unstructured value: maps with sorted keys, HTML-escaped strings. */
  public static void marshal(StringBuilder out, JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      out.append("null");
    } else if (n.isTextual()) {
      GoJson.appendString(out, n.textValue());
    } else if (n.isBoolean()) {
      out.append(n.booleanValue());
    } else if (n.isNumber()) {
      Object v = number(n);
      out.append(v instanceof Long l ? l.toString() : jsonFloat((Double) v));
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        marshal(out, n.get(i));
      }
      out.append(']');
    } else {
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      keys.sort(BYTE_ORDER); // Go sorts map keys by their bytes
      out.append('{');
      boolean first = true;
      for (String k : keys) {
        if (!first) {
          out.append(',');
        }
        first = false;
        GoJson.appendString(out, k);
        out.append(':');
        marshal(out, n.get(k));
      }
      out.append('}');
    }
  }

  /** One table cell as {@code encoding/json} writes it: String, Long/Integer, Double, Boolean or null. */
  public static void cell(StringBuilder out, Object v) {
    switch (v) {
      case null -> out.append("null");
      case String s -> GoJson.appendString(out, s);
      case Long l -> out.append(l);
      case Integer i -> out.append(i);
      case Double d -> out.append(jsonFloat(d));
      case Boolean b -> out.append(b);
      case JsonNode n -> marshal(out, n);
      default -> throw new IllegalArgumentException("cell of type " + v.getClass());
    }
  }
}
