package dev.breakwater.cache.codec.yaml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * go.yaml.in/yaml/v2 v2.4.3's value rules, as its {@code resolve}, {@code isBase60Float},
 * {@code keyList.Less} and {@code floatv} (Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}) apply
 * them: what tag a plain scalar resolves to (so whether a string must be quoted), what a JSON
 * number becomes (int, uint64, float64, or a string when no number fits), how map keys sort.
 *
 * <p>Pure functions; safe from any thread. Bad input: any string is accepted (a string that is
 * no number is {@link Tag#STR}).
 */
final class GoYamlValues {

  private GoYamlValues() {}

  /** The tags {@code resolve("", s)} can give. */
  enum Tag { STR, NULL, BOOL, INT, FLOAT, TIMESTAMP }

  /** A resolved plain scalar: its tag and, for numbers, how yaml.v2's encoder writes the value back. */
  record Resolved(Tag tag, String numberText) {}

  private static final Resolved STR = new Resolved(Tag.STR, null);
  private static final java.util.Map<String, Tag> MAP = new java.util.HashMap<>();

  static {
    for (String s : new String[] {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
        "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
      MAP.put(s, Tag.BOOL);
    }
    for (String s : new String[] {"", "~", "null", "Null", "NULL"}) {
      MAP.put(s, Tag.NULL);
    }
    for (String s : new String[] {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
        "-.INF"}) {
      MAP.put(s, Tag.FLOAT);
    }
    // "<<" (merge) is in Go's map too, but its hint byte '<' is 0, so it is never looked up.
  }

  private static final Pattern YAML_STYLE_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  private static final Pattern DOT_FLOAT = Pattern.compile("^\\.[0-9]+([eE][-+]?[0-9]+)?$");
  private static final Pattern BASE60_FLOAT = Pattern.compile("^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$");
  private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);

  /** The hint of a string's first byte (0: no tag but !!str can resolve). */
  static char hint(byte first) {
    return first < 0 ? 0 : hint((char) first);
  }

  private static char hint(char c) {
    return switch (c) {
      case '+', '-' -> 'S';
      case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> 'D';
      case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O', '~' -> 'M';
      case '.' -> '.';
      default -> 0;
    };
  }

  /** {@code resolve("", in)}: the tag of {@code in} as a plain scalar, and a number's text as yaml.v2 writes it. */
  static Resolved resolve(String in) {
    char hint = in.isEmpty() ? 'N' : hint(in.charAt(0));
    if (hint == 0) {
      return STR;
    }
    Tag t = MAP.get(in);
    if (t != null) {
      return new Resolved(t, null);
    }
    switch (hint) {
      case '.' -> {
        if (DOT_FLOAT.matcher(in).matches()) {
          double d = Double.parseDouble(in);
          if (!Double.isInfinite(d)) {
            return new Resolved(Tag.FLOAT, formatFloat(d));
          }
        }
      }
      case 'D', 'S' -> {
        if (GoTimestamp.parses(in)) {
          return new Resolved(Tag.TIMESTAMP, null);
        }
        String plain = in.replace("_", "");
        BigInteger i = parseInt(plain, 0, true);
        if (i != null) {
          return new Resolved(Tag.INT, i.toString());
        }
        BigInteger u = parseInt(plain, 0, false);
        if (u != null) {
          return new Resolved(Tag.INT, u.toString());
        }
        if (YAML_STYLE_FLOAT.matcher(plain).matches()) {
          double d = Double.parseDouble(plain);
          if (!Double.isInfinite(d)) {
            return new Resolved(Tag.FLOAT, formatFloat(d));
          }
        }
        if (plain.startsWith("0b")) {
          BigInteger b = parseInt(plain.substring(2), 2, true);
          if (b == null) {
            b = parseInt(plain.substring(2), 2, false);
          }
          if (b != null) {
            return new Resolved(Tag.INT, b.toString());
          }
        } else if (plain.startsWith("-0b")) {
          BigInteger b = parseInt("-" + plain.substring(3), 2, true);
          if (b != null) {
            return new Resolved(Tag.INT, b.toString());
          }
        }
      }
      default -> { }
    }
    return STR;
  }

  /** {@code isBase60Float}: such strings are quoted on the way out. */
  static boolean isBase60Float(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char c = s.charAt(0);
    if (!(c == '+' || c == '-' || c >= '0' && c <= '9') || s.indexOf(':') < 0) {
      return false;
    }
    return BASE60_FLOAT.matcher(s).matches();
  }

  /**
   * Go's {@code strconv.ParseInt(s, base, 64)} ({@code signed}) or {@code ParseUint}: the value, or
   * null on a syntax or range error. Base 0 reads the 0b/0o/0x/0 prefixes. No underscores (the
   * caller removed them).
   */
  static BigInteger parseInt(String s, int base, boolean signed) {
    if (s.isEmpty()) {
      return null;
    }
    boolean neg = false;
    if (signed && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
      if (s.isEmpty()) {
        return null;
      }
    }
    if (base == 0) {
      base = 10;
      if (s.charAt(0) == '0') {
        char l = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
        if (l == 'b') {
          base = 2;
          s = s.substring(2);
        } else if (l == 'o') {
          base = 8;
          s = s.substring(2);
        } else if (l == 'x') {
          base = 16;
          s = s.substring(2);
        } else {
          base = 8;
          s = s.substring(1);
        }
      }
    }
    BigInteger v = BigInteger.ZERO;
    BigInteger b = BigInteger.valueOf(base);
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'z') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'Z') {
        d = c - 'A' + 10;
      } else {
        return null;
      }
      if (d >= base) {
        return null;
      }
      v = v.multiply(b).add(BigInteger.valueOf(d));
      if (v.compareTo(MAX_UINT64) > 0) {
        return null;
      }
    }
    if (!signed) {
      return v;
    }
    v = neg ? v.negate() : v;
    return v.compareTo(MIN_INT64) < 0 || v.compareTo(MAX_INT64) > 0 ? null : v;
  }

  /** {@code strconv.FormatFloat(d, 'g', -1, 64)} with yaml.v2's {@code .inf}/{@code .nan}. */
  static String formatFloat(double d) {
    if (Double.isNaN(d)) {
      return ".nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? ".inf" : "-.inf";
    }
    boolean neg = Double.doubleToRawLongBits(d) < 0;
    double a = Math.abs(d);
    StringBuilder sb = new StringBuilder(24);
    if (neg) {
      sb.append('-');
    }
    if (a == 0) {
      return sb.append('0').toString();
    }
    BigDecimal shortest = shortest(a);
    String digits = shortest.unscaledValue().toString();
    int nd = digits.length();
    int dp = nd - shortest.scale(); // value = 0.digits × 10^dp
    int exp = dp - 1;
    if (exp < -4 || exp >= 6) {
      sb.append(digits.charAt(0));
      if (nd > 1) {
        sb.append('.').append(digits, 1, nd);
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int e = Math.abs(exp);
      if (e < 10) {
        sb.append('0');
      }
      return sb.append(e).toString();
    }
    if (dp > 0) {
      int m = Math.min(nd, dp);
      sb.append(digits, 0, m);
      for (; m < dp; m++) {
        sb.append('0');
      }
    } else {
      sb.append('0');
    }
    int prec = Math.max(nd - dp, 0);
    if (prec > 0) {
      sb.append('.');
      for (int i = 0; i < prec; i++) {
        int j = dp + i;
        sb.append(j >= 0 && j < nd ? digits.charAt(j) : '0');
      }
    }
    return sb.toString();
  }

  /** The shortest decimal that reads back as {@code a} (> 0), the closest one if several; trailing zeros stripped. */
  private static BigDecimal shortest(double a) {
    BigDecimal exact = new BigDecimal(a);
    for (int p = 1; p <= 17; p++) {
      BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean downOk = down.doubleValue() == a;
      boolean upOk = up.doubleValue() == a;
      if (downOk && upOk) {
        int c = exact.subtract(down).compareTo(up.subtract(exact));
        BigDecimal pick = c < 0 ? down : c > 0 ? up : (down.unscaledValue().testBit(0) ? up : down);
        return pick.stripTrailingZeros();
      }
      if (downOk) {
        return down.stripTrailingZeros();
      }
      if (upOk) {
        return up.stripTrailingZeros();
      }
    }
    return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
  }

  /** yaml.v2's {@code keyList.Less} for two string keys given as code points. */
  static boolean keyLess(int[] ar, int[] br) {
    for (int i = 0; i < ar.length && i < br.length; i++) {
      if (ar[i] == br[i]) {
        continue;
      }
      boolean al = Character.isLetter(ar[i]);
      boolean bl = Character.isLetter(br[i]);
      if (al && bl) {
        return ar[i] < br[i];
      }
      if (al || bl) {
        return bl;
      }
      int ai;
      int bi;
      long an = 0;
      long bn = 0;
      if (ar[i] == '0' || br[i] == '0') {
        for (int j = i - 1; j >= 0 && Character.isDigit(ar[j]); j--) {
          if (ar[j] != '0') {
            an = 1;
            bn = 1;
            break;
          }
        }
      }
      for (ai = i; ai < ar.length && Character.isDigit(ar[ai]); ai++) {
        an = an * 10 + (ar[ai] - '0');
      }
      for (bi = i; bi < br.length && Character.isDigit(br[bi]); bi++) {
        bn = bn * 10 + (br[bi] - '0');
      }
      if (an != bn) {
        return an < bn;
      }
      if (ai != bi) {
        return ai < bi;
      }
      return ar[i] < br[i];
    }
    return ar.length < br.length;
  }
}
