package dev.breakwater.cache.golang;

/**
 * Go's UTF-8 decoding as used when converting bytes to text: each byte that does not start a valid UTF-8
 * sequence (including surrogates, overlong forms and code points above U+10FFFF) becomes one U+FFFD, exactly as
 * {@code utf8.DecodeRune} consumes one byte on error (the JDK's decoder replaces maximal subparts instead, which
 * can yield fewer U+FFFDs). Stateless and thread-safe.
 */
public final class GoUtf8 {
    private GoUtf8() {}

    /** Decodes {@code b[from, to)} into {@code out}, Go style. */
    public static void decode(byte[] b, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                out.append((char) c);
                i++;
                continue;
            }
            int need;
            int cp;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = c & 0x1F;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0F;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07;
                min = 0x10000;
            } else {
                out.append('\uFFFD');
                i++;
                continue;
            }
            boolean ok = i + need < to; // all continuation bytes present
            if (ok) {
                for (int k = 1; k <= need; k++) {
                    int cc = b[i + k] & 0xFF;
                    if ((cc & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    cp = cp << 6 | (cc & 0x3F);
                }
            }
            if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                out.append('\uFFFD');
                i++;
                continue;
            }
            out.appendCodePoint(cp);
            i += need + 1;
        }
    }

    /** Decodes the whole array, Go style. */
    public static String decode(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        decode(b, 0, b.length, sb);
        return sb.toString();
    }
}
