package dev.breakwater.cache.continuation;

import dev.breakwater.cache.golang.GoJsonSyntax;
import dev.breakwater.cache.golang.GoJson;

/**
 * The Go-exact decoding behind {@link ContinueToken#decode}: {@code base64.RawURLEncoding.DecodeString}, then
 * {@code json.Unmarshal} into {@code continueToken} (syntax check first, then decoding with Go's type-error
 * texts, case-insensitive field names, last duplicate wins, null leaves the zero value, unknown fields ignored),
 * then the checks of {@code DecodeContinue}. Stateless.
 */
final class ContinueTokenDecoder {
    static final String INVALID = "continue key is not valid";

    private ContinueTokenDecoder() {}

    /** Either {@code token} or {@code error} (the Go error text) is set. */
    record Outcome(ContinueToken token, String error) {}

    static Outcome decode(String value, String keyPrefix) {
        byte[] data;
        try {
            data = rawUrlDecode(value);
        } catch (CorruptInput e) {
            return fail(INVALID + ": illegal base64 data at input byte " + e.offset);
        }
        String syntax = GoJsonSyntax.check(data);
        if (syntax != null) {
            return fail(INVALID + ": " + syntax);
        }
        Fields f = new Fields();
        String typeError = new Decoder(data, f).decodeTop();
        if (typeError != null) {
            return fail(INVALID + ": " + typeError);
        }
        if (!ContinueToken.VERSION.equals(f.v)) {
            return fail(INVALID + ": server does not recognize this encoded version " + f.v);
        }
        if (f.rv == 0) {
            return fail(INVALID + ": incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        if (f.start.isEmpty()) {
            return fail(INVALID + ": encoded start key empty (version meta.k8s.io/v1)");
        }
        String key = f.start.startsWith("/") ? f.start : "/" + f.start;
        String cleaned = GoPath.clean(key);
        if (!cleaned.equals(key)) {
            return fail(INVALID + ": " + f.start);
        }
        return new Outcome(new ContinueToken(keyPrefix + cleaned.substring(1), f.rv), null);
    }

    private static Outcome fail(String msg) {
        return new Outcome(null, msg);
    }

    // ---- base64.RawURLEncoding ----------------------------------------------------------------------------

    private static final class CorruptInput extends Exception {
        final int offset;

        CorruptInput(int offset) {
            super(null, null, false, false);
            this.offset = offset;
        }
    }

    private static int sextet(int c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        if (c == '_') {
            return 63;
        }
        return -1;
    }

    /** Mirrors {@code Encoding.decodeQuantum} for RawURLEncoding (no padding; CR/LF skipped; lenient tail bits). */
    static byte[] rawUrlDecode(String s) throws CorruptInput {
        byte[] out = new byte[s.length() * 3 / 4 + 3];
        int n = 0;
        int si = 0;
        int len = s.length();
        while (true) {
            int[] dbuf = new int[4];
            int dlen = 4;
            for (int j = 0; j < 4; j++) {
                if (si == len) {
                    if (j == 0) {
                        return java.util.Arrays.copyOf(out, n);
                    }
                    if (j == 1) {
                        throw new CorruptInput(si - j);
                    }
                    dlen = j;
                    break;
                }
                char in = s.charAt(si++);
                int v = in < 0x80 ? sextet(in) : -1;
                if (v >= 0) {
                    dbuf[j] = v;
                    continue;
                }
                if (in == '\n' || in == '\r') {
                    j--;
                    continue;
                }
                throw new CorruptInput(si - 1);
            }
            int val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
            out[n++] = (byte) (val >> 16);
            if (dlen >= 3) {
                out[n++] = (byte) (val >> 8);
            }
            if (dlen == 4) {
                out[n++] = (byte) val;
            }
            if (dlen < 4) {
                return java.util.Arrays.copyOf(out, n);
            }
        }
    }

    // ---- json.Unmarshal into continueToken ----------------------------------------------------------------

    static final class Fields {
        String v = "";
        long rv;
        String start = "";
    }

    /** Decodes syntactically valid JSON into {@link Fields}; returns the first type error (Go's text) or null. */
    private static final class Decoder {
        final byte[] d;
        final Fields f;
        int pos;
        String firstError;

        Decoder(byte[] d, Fields f) {
            this.d = d;
            this.f = f;
        }

        String decodeTop() {
            ws();
            int c = d[pos] & 0xFF;
            if (c == '{') {
                object();
            } else if (c != 'n') {
                typeError(kind(c), "Go value of type storage.continueToken");
            }
            return firstError;
        }

        void typeError(String what, String into) {
            if (firstError == null) {
                firstError = "json: cannot unmarshal " + what + " into " + into;
            }
        }

        static String kind(int c) {
            return switch (c) {
                case '{' -> "object";
                case '[' -> "array";
                case '"' -> "string";
                case 't', 'f' -> "bool";
                default -> "number";
            };
        }

        void ws() {
            while (pos < d.length && (d[pos] == ' ' || d[pos] == '\t' || d[pos] == '\n' || d[pos] == '\r')) {
                pos++;
            }
        }

        void object() {
            pos++; // '{'
            ws();
            if (d[pos] == '}') {
                pos++;
                return;
            }
            while (true) {
                String key = string();
                ws();
                pos++; // ':'
                ws();
                field(key);
                ws();
                if (d[pos++] == '}') {
                    return;
                }
                ws();
            }
        }

        void field(String key) {
            String name = match(key);
            int c = d[pos] & 0xFF;
            if (name == null) {
                skip();
                return;
            }
            if (c == 'n') {
                pos += 4; // null: leave as is
                return;
            }
            String into = "Go struct field continueToken." + name + " of type " + (name.equals("rv") ? "int64" : "string");
            if (name.equals("rv")) {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    int start = pos;
                    skip();
                    String lit = new String(d, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
                    try {
                        f.rv = Long.parseLong(lit);
                    } catch (NumberFormatException e) {
                        typeError("number " + lit, into);
                    }
                } else {
                    typeError(kind(c), into);
                    skip();
                }
                return;
            }
            if (c == '"') {
                String s = string();
                if (name.equals("v")) {
                    f.v = s;
                } else {
                    f.start = s;
                }
            } else {
                typeError(kind(c), into);
                skip();
            }
        }

        /** Go matches struct fields exactly first, then case-insensitively. */
        static String match(String key) {
            for (String n : new String[] {"v", "rv", "start"}) {
                if (n.equals(key)) {
                    return n;
                }
            }
            for (String n : new String[] {"v", "rv", "start"}) {
                if (n.equalsIgnoreCase(key)) {
                    return n;
                }
            }
            return null;
        }

        void skip() {
            int c = d[pos] & 0xFF;
            switch (c) {
                case '"' -> string();
                case '{', '[' -> {
                    int depth = 0;
                    do {
                        int x = d[pos] & 0xFF;
                        if (x == '"') {
                            string();
                            continue;
                        }
                        if (x == '{' || x == '[') {
                            depth++;
                        } else if (x == '}' || x == ']') {
                            depth--;
                        }
                        pos++;
                    } while (depth > 0);
                }
                default -> {
                    while (pos < d.length) {
                        int x = d[pos] & 0xFF;
                        if (x == ',' || x == '}' || x == ']' || x == ' ' || x == '\t' || x == '\n' || x == '\r') {
                            break;
                        }
                        pos++;
                    }
                }
            }
        }

        /** Mirrors {@code unquote} ({@link GoJson#unquote}): escapes, surrogate pairs, lone surrogates and invalid UTF-8 become U+FFFD. */
        String string() {
            pos++; // '"'
            int start = pos;
            while (true) {
                int c = d[pos] & 0xFF;
                if (c == '"') {
                    String s = GoJson.unquote(d, start, pos);
                    pos++;
                    return s;
                }
                pos += c == '\\' ? 2 : 1;
            }
        }
    }
}
