package dev.breakwater.cache.codec.yaml;

/**
 * Whether yaml.v2's {@code parseTimestamp} accepts a string: four digits and '-', then Go's
 * {@code time.Parse} with one of {@code 2006-1-2T15:4:5.999999999Z07:00}, the same with a
 * lower-case {@code t}, {@code 2006-1-2 15:4:5.999999999} or {@code 2006-1-2} — with
 * time.Parse's rules: one- or two-digit fields, range checks, an optional fraction after a '.' or
 * ',', a zone of {@code Z} or {@code ±hh:mm}, no trailing text, and a day that exists in its month.
 * A string that parses is written quoted.
 *
 * <p>Pure; any string is accepted as input.
 */
final class GoTimestamp {

  private GoTimestamp() {}

  static boolean parses(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i != 4 || i == s.length() || s.charAt(i) != '-') {
      return false;
    }
    return layout(s, 'T', true) || layout(s, 't', true) || layout(s, ' ', false) || dateOnly(s);
  }

  private static final class Cursor {
    final String s;
    int p;

    Cursor(String s) {
      this.s = s;
    }

    boolean digit(int k) {
      return p + k < s.length() && s.charAt(p + k) >= '0' && s.charAt(p + k) <= '9';
    }

    /** getnum(value, false): one or two digits, or -1. */
    int num() {
      if (!digit(0)) {
        return -1;
      }
      if (!digit(1)) {
        return s.charAt(p++) - '0';
      }
      int v = (s.charAt(p) - '0') * 10 + (s.charAt(p + 1) - '0');
      p += 2;
      return v;
    }

    boolean lit(char c) {
      if (p < s.length() && s.charAt(p) == c) {
        p++;
        return true;
      }
      return false;
    }

    boolean end() {
      return p == s.length();
    }
  }

  private static int[] date(Cursor c) {
    int year = Integer.parseInt(c.s.substring(0, 4));
    c.p = 4;
    if (!c.lit('-')) {
      return null;
    }
    int month = c.num();
    if (month < 0 || month < 1 || month > 12) {
      return null;
    }
    if (!c.lit('-')) {
      return null;
    }
    int day = c.num();
    if (day < 0) {
      return null;
    }
    return new int[] {year, month, day};
  }

  private static boolean validDay(int[] d) {
    int[] days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[d[1] - 1];
    if (d[1] == 2 && (d[0] % 4 == 0 && (d[0] % 100 != 0 || d[0] % 400 == 0))) {
      max = 29;
    }
    return d[2] >= 1 && d[2] <= max;
  }

  private static boolean dateOnly(String s) {
    Cursor c = new Cursor(s);
    int[] d = date(c);
    return d != null && c.end() && validDay(d);
  }

  private static boolean layout(String s, char sep, boolean zone) {
    Cursor c = new Cursor(s);
    int[] d = date(c);
    if (d == null) {
      return false;
    }
    if (sep == ' ') {
      // skip(): a space in the layout needs one in the value, then any run of spaces is cut.
      if (c.p >= s.length() || s.charAt(c.p) != ' ') {
        return false;
      }
      while (c.p < s.length() && s.charAt(c.p) == ' ') {
        c.p++;
      }
    } else if (!c.lit(sep)) {
      return false;
    }
    int hour = c.num();
    if (hour < 0 || hour >= 24 || !c.lit(':')) {
      return false;
    }
    int min = c.num();
    if (min < 0 || min >= 60 || !c.lit(':')) {
      return false;
    }
    int sec = c.num();
    if (sec < 0 || sec >= 60) {
      return false;
    }
    // .999999999: optional; a separator and at least one digit, then all the digits.
    if (c.p + 1 < s.length() && (s.charAt(c.p) == '.' || s.charAt(c.p) == ',') && c.digit(1)) {
      c.p++;
      while (c.digit(0)) {
        c.p++;
      }
    }
    if (zone) {
      if (!c.lit('Z')) {
        if (s.length() - c.p < 6 || s.charAt(c.p + 3) != ':') {
          return false;
        }
        char sign = s.charAt(c.p);
        Cursor h = new Cursor(s.substring(c.p + 1, c.p + 3));
        Cursor m = new Cursor(s.substring(c.p + 4, c.p + 6));
        if (!h.digit(0) || !h.digit(1) || !m.digit(0) || !m.digit(1)) {
          return false;
        }
        int hh = h.num();
        int mm = m.num();
        if (hh > 24 || mm > 60 || (sign != '+' && sign != '-')) {
          return false;
        }
        c.p += 6;
      }
    }
    return c.end() && validDay(d);
  }
}
