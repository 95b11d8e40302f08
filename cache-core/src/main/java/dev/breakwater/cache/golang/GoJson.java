package dev.breakwater.cache.golang;

import java.nio.charset.StandardCharsets;

/**
 * The parts of Go's {@code encoding/json} encoder that decide bytes on the wire.
 *
 * <p>{@link #appendString} mirrors {@code appendString} in {@code encoding/json/encode.go} with
 * {@code escapeHTML=true} (what {@code json.Marshal} and {@code json.NewEncoder} use, hence what the apiserver
 * writes): {@code <}, {@code >}, {@code &} become {@code \\u003c}, {@code \\u003e}, {@code \\u0026}; control bytes
 * other than {@code \b \f \n \r \t} become {@code \\u00XX}; U+2028/U+2029 are escaped; DEL (0x7f) is written raw.
 * Java strings cannot hold invalid UTF-8; a lone surrogate is written as {@code \\ufffd}, which is what Go writes
 * for the invalid bytes such a string would have come from.
 *
 * <p>{@link #indent} mirrors {@code json.Indent} (and therefore {@code json.MarshalIndent}, which the apiserver
 * uses for {@code pretty=true} output).
 *
 * <p>{@link #unquote} mirrors the decoder's {@code unquote} (encoding/json/decode.go): the one JSON string
 * unescaper of the cache.
 *
 * <p>Stateless and thread-safe.
 */
public final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {}

    /** Appends {@code s} as a quoted JSON string, escaped exactly as Go's {@code json.Marshal} does. */
    public static StringBuilder appendString(StringBuilder out, CharSequence s) {
        out.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\', '"' -> out.append('\\').append(c);
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '<', '>', '&' -> hex4(out, c);
                    default -> {
                        if (c < 0x20) {
                            hex4(out, c);
                        } else {
                            out.append(c);
                        }
                    }
                }
            } else if (c == '\u2028' || c == '\u2029') {
                hex4(out, c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append("\\ufffd");
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /** Returns {@code s} as a quoted JSON string, as Go's {@code json.Marshal(s)} would. */
    public static String quote(CharSequence s) {
        return appendString(new StringBuilder(s.length() + 2), s).toString();
    }

    private static void hex4(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }

    /**
     * Re-indents compact JSON exactly as Go's {@code json.Indent(dst, src, prefix, indent)}: one element per line,
     * {@code ": "} after keys, and empty objects/arrays kept as {@code {}} / {@code []}. The input must be valid
     * compact JSON (as produced by the writers in this project); no trailing newline is added, like
     * {@code json.MarshalIndent}.
     */
    public static byte[] indent(byte[] compact, String prefix, String indent) {
        StringBuilder out = new StringBuilder(compact.length * 2);
        String src = new String(compact, StandardCharsets.UTF_8);
        int depth = 0;
        boolean inString = false;
        boolean needIndent = false; // a '{' or '[' was just written: newline deferred until we know it is non-empty
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(src.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                continue;
            }
            if (needIndent && c != ']' && c != '}') {
                needIndent = false;
                depth++;
                newline(out, prefix, indent, depth);
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    out.append(c);
                }
                case '{', '[' -> {
                    needIndent = true;
                    out.append(c);
                }
                case ',' -> {
                    out.append(c);
                    newline(out, prefix, indent, depth);
                }
                case ':' -> out.append(": ");
                case '}', ']' -> {
                    if (needIndent) {
                        needIndent = false; // empty: "{}" / "[]"
                    } else {
                        depth--;
                        newline(out, prefix, indent, depth);
                    }
                    out.append(c);
                }
                default -> out.append(c);
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void newline(StringBuilder out, String prefix, String indent, int depth) {
        out.append('\n').append(prefix);
        for (int d = 0; d < depth; d++) {
            out.append(indent);
        }
    }

    /**
     * Go's {@code unquote} of a JSON string literal's content {@code b[start, end)} (between the quotes):
     * escapes decoded, a surrogate pair joined, a lone surrogate escape and invalid UTF-8 each become U+FFFD
     * (byte by byte, as {@code utf8.DecodeRune}). The input must be a valid literal's content (the caller has
     * scanned it); a truncated escape at the end is dropped rather than read past {@code end}.
     */
    public static String unquote(byte[] b, int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        int runStart = start;
        int pos = start;
        while (pos < end) {
            if (b[pos] != '\\') {
                pos++;
                continue;
            }
            GoUtf8.decode(b, runStart, pos, sb);
            if (pos + 1 >= end) {
                return sb.toString();
            }
            int e = b[pos + 1] & 0xFF;
            pos += 2;
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > end) {
                        return sb.toString();
                    }
                    int r = hex4(b, pos);
                    pos += 4;
                    if (r >= 0xD800 && r < 0xE000) {
                        if (r < 0xDC00 && pos + 6 <= end && b[pos] == '\\' && b[pos + 1] == 'u') {
                            int r2 = hex4(b, pos + 2);
                            if (r2 >= 0xDC00 && r2 < 0xE000) {
                                sb.append((char) r).append((char) r2);
                                pos += 6;
                                break;
                            }
                        }
                        sb.append('\uFFFD');
                    } else {
                        sb.append((char) r);
                    }
                }
                default -> sb.append((char) e); // '"', '\\', '/'
            }
            runStart = pos;
        }
        GoUtf8.decode(b, runStart, end, sb);
        return sb.toString();
    }

    private static int hex4(byte[] b, int at) {
        return Integer.parseInt(new String(b, at, 4, StandardCharsets.US_ASCII), 16);
    }
}
