package dev.breakwater.cache.golang;

/**
 * Go's {@code encoding/json} syntax check ({@code checkValid} + the {@code scanner} state machine in
 * {@code encoding/json/scanner.go}), reproducing its error texts, e.g.
 * {@code invalid character 'i' looking for beginning of value}, {@code unexpected end of JSON input},
 * {@code invalid character 'x' after top-level value}. {@code json.Unmarshal} runs this check over the whole
 * input before decoding, so syntax errors always win over type errors.
 *
 * <p>Stateless and thread-safe.
 */
public final class GoJsonSyntax {
    private GoJsonSyntax() {}

    /** Returns null if {@code data} is one valid JSON value (surrounding whitespace allowed), else Go's message. */
    public static String check(byte[] data) {
        Scanner s = new Scanner(data);
        try {
            s.ws();
            s.value(Ctx.TOP);
            s.ws();
            if (s.pos < data.length) {
                throw s.bad("after top-level value");
            }
            return null;
        } catch (SyntaxError e) {
            return e.getMessage();
        }
    }

    /** Where a value ends; selects the message for an unexpected byte right after a complete value. */
    enum Ctx {
        TOP("after top-level value"), OBJECT("after object key:value pair"), ARRAY("after array element");

        final String after;

        Ctx(String after) {
            this.after = after;
        }
    }

    static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Scanner {
        final byte[] d;
        int pos;

        Scanner(byte[] d) {
            this.d = d;
        }

        SyntaxError bad(String context) {
            if (pos >= d.length) {
                return new SyntaxError("unexpected end of JSON input");
            }
            return new SyntaxError("invalid character " + GoStrings.quoteJsonChar(d[pos] & 0xFF) + " " + context);
        }

        int peek() {
            return pos < d.length ? d[pos] & 0xFF : -1;
        }

        void ws() {
            while (pos < d.length) {
                int c = d[pos];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        void value(Ctx ctx) throws SyntaxError {
            int c = peek();
            switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true");
                case 'f' -> literal("false");
                case 'n' -> literal("null");
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        number();
                    } else {
                        throw bad("looking for beginning of value");
                    }
                }
            }
        }

        void object() throws SyntaxError {
            pos++; // '{'
            ws();
            if (peek() == '}') {
                pos++;
                return;
            }
            while (true) {
                if (peek() != '"') {
                    throw bad("looking for beginning of object key string");
                }
                string();
                ws();
                if (peek() != ':') {
                    throw bad("after object key");
                }
                pos++;
                ws();
                value(Ctx.OBJECT);
                ws();
                int c = peek();
                if (c == ',') {
                    pos++;
                    ws();
                } else if (c == '}') {
                    pos++;
                    return;
                } else {
                    throw bad(Ctx.OBJECT.after);
                }
            }
        }

        void array() throws SyntaxError {
            pos++; // '['
            ws();
            if (peek() == ']') {
                pos++;
                return;
            }
            while (true) {
                value(Ctx.ARRAY);
                ws();
                int c = peek();
                if (c == ',') {
                    pos++;
                    ws();
                } else if (c == ']') {
                    pos++;
                    return;
                } else {
                    throw bad(Ctx.ARRAY.after);
                }
            }
        }

        void string() throws SyntaxError {
            pos++; // '"'
            while (true) {
                int c = peek();
                if (c == -1) {
                    throw bad("");
                }
                if (c == '"') {
                    pos++;
                    return;
                }
                if (c < 0x20) {
                    throw bad("in string literal");
                }
                pos++;
                if (c == '\\') {
                    int e = peek();
                    switch (e) {
                        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos++;
                        case 'u' -> {
                            pos++;
                            for (int i = 0; i < 4; i++) {
                                int h = peek();
                                if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                                    throw bad("in \\u hexadecimal character escape");
                                }
                                pos++;
                            }
                        }
                        default -> throw bad("in string escape code");
                    }
                }
            }
        }

        void number() throws SyntaxError {
            if (peek() == '-') {
                pos++;
                if (!digit(peek())) {
                    throw bad("in numeric literal");
                }
            }
            if (peek() == '0') {
                pos++;
            } else {
                while (digit(peek())) {
                    pos++;
                }
            }
            if (peek() == '.') {
                pos++;
                if (!digit(peek())) {
                    throw bad("after decimal point in numeric literal");
                }
                while (digit(peek())) {
                    pos++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!digit(peek())) {
                    throw bad("in exponent of numeric literal");
                }
                while (digit(peek())) {
                    pos++;
                }
            }
        }

        void literal(String word) throws SyntaxError {
            pos++; // first letter already checked
            for (int i = 1; i < word.length(); i++) {
                if (peek() != word.charAt(i)) {
                    throw bad("in literal " + word + " (expecting '" + word.charAt(i) + "')");
                }
                pos++;
            }
        }

        static boolean digit(int c) {
            return c >= '0' && c <= '9';
        }
    }
}
