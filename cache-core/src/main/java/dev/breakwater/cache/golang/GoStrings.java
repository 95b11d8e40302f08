package dev.breakwater.cache.golang;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * Go string helpers: {@code strconv.Quote} (used by {@code fmt}'s {@code %q}) and Go's string ordering.
 *
 * <p>Go strings are bytes and compare byte-wise; {@link #UTF8_ORDER} compares Java strings by their UTF-8 bytes,
 * which is the order of Go's {@code sort.Strings} (Java's {@code String.compareTo} differs for characters above
 * U+FFFF versus U+E000..U+FFFF).
 *
 * <p>Stateless and thread-safe.
 */
public final class GoStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Byte-wise (UTF-8) order, as Go compares strings. */
    public static final Comparator<String> UTF8_ORDER = GoStrings::compareUtf8;

    private GoStrings() {}

    /**
     * Mirrors {@code strconv.Quote}: printable runes as-is, {@code \a \b \f \n \r \t \v}, {@code \xNN} below
     * 0x20 and for DEL, {@code \\uNNNN} / {@code \\UNNNNNNNN} for other non-printable runes. A lone surrogate (which
     * cannot come from valid UTF-8) is written as {@code \\ufffd}. {@code unicode.IsPrint} is approximated with the
     * JDK's Unicode tables (letters, marks, numbers, punctuation, symbols and U+0020).
     */
    public static String quote(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> appendQuotedRune(out, cp, '"'));
        return out.append('"').toString();
    }

    static void appendQuotedRune(StringBuilder out, int cp, char quote) {
        if (cp == quote || cp == '\\') {
            out.append('\\').appendCodePoint(cp);
            return;
        }
        if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
            out.append("\\ufffd");
            return;
        }
        if (isPrint(cp)) {
            out.appendCodePoint(cp);
            return;
        }
        switch (cp) {
            case 0x07 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x0B -> out.append("\\v");
            default -> {
                if (cp < ' ' || cp == 0x7f) {
                    out.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xF]);
                } else if (cp < 0x10000) {
                    out.append("\\u");
                    for (int shift = 12; shift >= 0; shift -= 4) {
                        out.append(HEX[cp >> shift & 0xF]);
                    }
                } else {
                    out.append("\\U");
                    for (int shift = 28; shift >= 0; shift -= 4) {
                        out.append(HEX[cp >> shift & 0xF]);
                    }
                }
            }
        }
    }

    /** Approximates Go's {@code unicode.IsPrint}. */
    public static boolean isPrint(int cp) {
        if (cp < 0x80) {
            return cp >= 0x20 && cp < 0x7f;
        }
        return switch (Character.getType(cp)) {
            case Character.UNASSIGNED, Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE,
                 Character.SURROGATE, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Mirrors the {@code quoteChar} helper of {@code encoding/json} (used in syntax error messages): the byte is
     * treated as a rune U+0000..U+00FF, quoted like {@code strconv.Quote} but in single quotes.
     */
    public static String quoteJsonChar(int b) {
        if (b == '\'') {
            return "'\\''";
        }
        if (b == '"') {
            return "'\"'";
        }
        StringBuilder out = new StringBuilder(8).append('\'');
        appendQuotedRune(out, b & 0xFF, '"');
        return out.append('\'').toString();
    }

    /** Compares two strings by their UTF-8 encoding, as Go compares strings. */
    public static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Surrogates (U+D800..DFFF, i.e. code points above U+FFFF) sort after U+E000..U+FFFF in UTF-8.
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy && (x >= 0xE000 || y >= 0xE000)) {
                    return sx ? 1 : -1;
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** UTF-8 byte length of {@code s} (Go's {@code len(s)}). */
    public static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
