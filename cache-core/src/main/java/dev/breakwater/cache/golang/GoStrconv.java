package dev.breakwater.cache.golang;

/**
 * Go's number, bool and duration parsing as the apiserver applies it to query parameters:
 * {@code strconv.ParseInt(s, 10, 64)} ({@code limit}, {@code timeoutSeconds}), the query bool of
 * {@code runtime.Convert_Slice_string_To_bool} ({@code watch}, {@code allowWatchBookmarks},
 * {@code sendInitialEvents}, {@code export}) and {@code time.ParseDuration} ({@code timeout}).
 *
 * <p>Bad input never throws: it is a {@link Parsed} carrying Go's error text, worded and quoted
 * ({@code strconv.Quote}) as Go's {@code NumError} / {@code time} errors print. Stateless, thread-safe.
 */
public final class GoStrconv {

  private GoStrconv() {}

  /** A parsed number, or Go's error text (value 0 then). */
  public record Parsed(long value, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * {@code strconv.ParseInt(s, 10, 64)}: an optional sign, then ASCII digits only; "" or a lone
   * sign is a syntax error; overflow is a range error, reported as soon as the digits seen so far
   * overflow (so {@code "99999999999999999999x"} is out of range, as in Go).
   */
  public static Parsed parseInt(String s) {
    String fn = "strconv.ParseInt";
    if (s.isEmpty()) {
      return new Parsed(0, syntax(fn, s));
    }
    int i = 0;
    boolean neg = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length()) {
      return new Parsed(0, syntax(fn, s));
    }
    // ParseUint on the digits: cutoff = maxUint64/10 + 1, n*10 ≥ cutoff overflows.
    long n = 0; // unsigned
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return new Parsed(0, syntax(fn, s));
      }
      if (Long.compareUnsigned(n, Long.divideUnsigned(-1L, 10) + 1) >= 0) {
        return new Parsed(0, range(fn, s));
      }
      n *= 10;
      long n1 = n + (c - '0');
      if (Long.compareUnsigned(n1, n) < 0) {
        return new Parsed(0, range(fn, s));
      }
      n = n1;
    }
    // Int64 bounds: |min| = 2^63.
    if (!neg && Long.compareUnsigned(n, Long.MAX_VALUE) > 0) {
      return new Parsed(0, range(fn, s));
    }
    if (neg && Long.compareUnsigned(n, Long.MIN_VALUE) > 0) {
      return new Parsed(0, range(fn, s));
    }
    return new Parsed(neg ? -n : n, null);
  }

  /**
   * The query bool of {@code runtime.Convert_Slice_string_To_bool}: false only for {@code "0"} and
   * any case of {@code "false"} ({@code strings.EqualFold}, so {@code "falſe"} too); every other
   * value — "", "yes", "abc" — is true.
   */
  public static boolean queryBool(String v) {
    return !(v.equals("0") || equalFoldFalse(v));
  }

  private static boolean equalFoldFalse(String v) {
    String target = "false";
    if (v.codePointCount(0, v.length()) != target.length()) {
      return false;
    }
    int[] cps = v.codePoints().toArray();
    for (int k = 0; k < cps.length; k++) {
      int c = cps[k];
      char t = target.charAt(k);
      // Simple case folding orbits of f, a, l, s, e: only 's' has a third member, U+017F.
      boolean same = c == t || c == Character.toUpperCase(t) || (t == 's' && c == 0x17F);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code time.ParseDuration}: {@code [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+} with units ns, us, µs, μs,
   * ms, s, m, h; "0" alone is valid. Returns nanoseconds, or Go's error
   * ({@code time: invalid duration "x"}, {@code time: missing unit in duration "1"},
   * {@code time: unknown unit "x" in duration "1x"}).
   */
  public static Parsed parseDuration(String s) {
    String orig = s;
    long d = 0; // unsigned accumulation, as Go's uint64
    boolean neg = false;
    int i = 0;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    if (s.substring(i).equals("0")) {
      return new Parsed(0, null);
    }
    if (i == s.length()) {
      return new Parsed(0, invalidDuration(orig));
    }
    while (i < s.length()) {
      long v = 0;
      long f = 0;
      double scale = 1;
      char c = s.charAt(i);
      if (!(c == '.' || ('0' <= c && c <= '9'))) {
        return new Parsed(0, invalidDuration(orig));
      }
      int pl = i;
      boolean overflow = false;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        // leadingInt, in uint64: x > 1<<63/10 or x > 1<<63 after the digit overflows.
        if (Long.compareUnsigned(v, Long.divideUnsigned(1L << 63, 10)) > 0) {
          overflow = true;
        }
        v = v * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(v, 1L << 63) > 0) {
          overflow = true;
        }
        i++;
      }
      if (overflow) {
        return new Parsed(0, invalidDuration(orig));
      }
      boolean pre = pl != i;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int start = i;
        boolean fOverflow = false;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          if (!fOverflow) {
            if (Long.compareUnsigned(f, Long.MAX_VALUE / 10) > 0) { // (1<<63-1)/10
              fOverflow = true;
            } else {
              long y = f * 10 + (s.charAt(i) - '0');
              if (Long.compareUnsigned(y, 1L << 63) > 0) {
                fOverflow = true;
              } else {
                f = y;
                scale *= 10;
              }
            }
          }
          i++;
        }
        post = start != i;
      }
      if (!pre && !post) {
        return new Parsed(0, invalidDuration(orig));
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
        i++;
      }
      if (us == i) {
        return new Parsed(0, "time: missing unit in duration " + timeQuote(orig));
      }
      String u = s.substring(us, i);
      long unit = switch (u) {
        case "ns" -> 1L;
        case "us", "\u00b5s", "\u03bcs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 0L;
      };
      if (unit == 0) {
        return new Parsed(0, "time: unknown unit " + timeQuote(u) + " in duration " + timeQuote(orig));
      }
      // In uint64, as Go: 1<<63 is Long.MIN_VALUE here, so the bounds are unsigned.
      if (Long.compareUnsigned(v, Long.divideUnsigned(1L << 63, unit)) > 0) {
        return new Parsed(0, invalidDuration(orig));
      }
      v *= unit;
      if (f > 0) {
        v += (long) (f * ((double) unit / scale));
        if (Long.compareUnsigned(v, 1L << 63) > 0) {
          return new Parsed(0, invalidDuration(orig));
        }
      }
      d += v;
      if (Long.compareUnsigned(d, 1L << 63) > 0) {
        return new Parsed(0, invalidDuration(orig));
      }
    }
    if (neg) {
      return new Parsed(-d, null);
    }
    if (d == Long.MIN_VALUE) { // 1<<63 positive overflows int64
      return new Parsed(0, invalidDuration(orig));
    }
    return new Parsed(d, null);
  }

  private static String invalidDuration(String orig) {
    return "time: invalid duration " + timeQuote(orig);
  }

  private static String syntax(String fn, String s) {
    return fn + ": parsing " + GoStrings.quote(s) + ": invalid syntax";
  }

  private static String range(String fn, String s) {
    return fn + ": parsing " + GoStrings.quote(s) + ": value out of range";
  }

  /**
   * The time package's own {@code quote} (not strconv.Quote): {@code "} and {@code \\} escaped, every
   * byte of a non-ASCII or control character as {@code \xNN}.
   */
  static String timeQuote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(c -> {
      if (c >= 0x80 || c < ' ') {
        for (byte x : new String(Character.toChars(c)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          b.append("\\x").append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
      } else {
        if (c == '"' || c == '\\') {
          b.append('\\');
        }
        b.appendCodePoint(c);
      }
    });
    return b.append('"').toString();
  }
}
