package dev.breakwater.cache.selector;

import dev.breakwater.cache.golang.GoStrings;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Line-by-line port of the {@code Lexer} and {@code Parser} in {@code k8s.io/apimachinery/pkg/labels/selector.go}
 * (including {@code NewRequirement}'s validation), so that accepted inputs, canonical forms and error texts are
 * Go's. Single use, not thread-safe.
 */
final class LabelParser {

    enum Token {
        ERROR, END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER, IN,
        LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
    }

    record Item(Token tok, String lit) {}

    record Outcome(List<LabelRequirement> requirements, String error) {}

    /** Internal control flow for Go's {@code return nil, err}; never escapes this class. */
    private static final class ParseError extends Exception {
        ParseError(String message) {
            super(message, null, false, false);
        }
    }

    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    private final String s;
    private int pos;
    private final List<Item> items = new ArrayList<>();
    private int position;

    LabelParser(String s) {
        this.s = s;
    }

    // ---- lexer ----------------------------------------------------------------------------------------------

    private static Token keyword(String lit) {
        return switch (lit) {
            case ")" -> Token.CLOSED_PAR;
            case "," -> Token.COMMA;
            case "!" -> Token.DOES_NOT_EXIST;
            case "==" -> Token.DOUBLE_EQUALS;
            case "=" -> Token.EQUALS;
            case ">" -> Token.GREATER_THAN;
            case "in" -> Token.IN;
            case "<" -> Token.LESS_THAN;
            case "!=" -> Token.NOT_EQUALS;
            case "notin" -> Token.NOT_IN;
            case "(" -> Token.OPEN_PAR;
            default -> null;
        };
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpecialSymbol(char c) {
        return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
    }

    /** Go's {@code read}: 0 at the end (and for a NUL character, which therefore ends tokens). */
    private char read() {
        char b = 0;
        if (pos < s.length()) {
            b = s.charAt(pos);
            pos++;
        }
        return b;
    }

    private void unread() {
        pos--;
    }

    private Item scanIdOrKeyword() {
        StringBuilder buf = new StringBuilder();
        while (true) {
            char ch = read();
            if (ch == 0) {
                break;
            }
            if (isSpecialSymbol(ch) || isWhitespace(ch)) {
                unread();
                break;
            }
            buf.append(ch);
        }
        String lit = buf.toString();
        Token t = keyword(lit);
        return new Item(t != null ? t : Token.IDENTIFIER, lit);
    }

    private Item scanSpecialSymbol() {
        Item last = null;
        StringBuilder buf = new StringBuilder();
        while (true) {
            char ch = read();
            if (ch == 0) {
                break;
            }
            if (isSpecialSymbol(ch)) {
                buf.append(ch);
                Token t = keyword(buf.toString());
                if (t != null) {
                    last = new Item(t, buf.toString());
                } else if (last != null) {
                    unread();
                    break;
                }
            } else {
                unread();
                break;
            }
        }
        if (last == null) {
            return new Item(Token.ERROR, "error expected: keyword found '" + buf + "'");
        }
        return last;
    }

    private Item lex() {
        char ch = read();
        while (isWhitespace(ch)) {
            ch = read();
        }
        if (ch == 0) {
            return new Item(Token.END_OF_STRING, "");
        }
        unread();
        return isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdOrKeyword();
    }

    // ---- parser ---------------------------------------------------------------------------------------------

    private Item lookahead(boolean values) {
        return context(items.get(position), values);
    }

    private Item consume(boolean values) {
        return context(items.get(position++), values);
    }

    private static Item context(Item it, boolean values) {
        if (values && (it.tok() == Token.IN || it.tok() == Token.NOT_IN)) {
            return new Item(Token.IDENTIFIER, it.lit());
        }
        return it;
    }

    Outcome parse() {
        while (true) {
            Item it = lex();
            items.add(it);
            if (it.tok() == Token.END_OF_STRING) {
                break;
            }
        }
        List<LabelRequirement> reqs = new ArrayList<>();
        try {
            loop:
            while (true) {
                Item la = lookahead(true);
                switch (la.tok()) {
                    case IDENTIFIER, DOES_NOT_EXIST -> {
                        try {
                            reqs.add(parseRequirement());
                        } catch (ParseError e) {
                            throw new ParseError("unable to parse requirement: " + e.getMessage());
                        }
                        Item t = consume(true);
                        switch (t.tok()) {
                            case END_OF_STRING -> {
                                break loop;
                            }
                            case COMMA -> {
                                Item t2 = lookahead(true);
                                if (t2.tok() != Token.IDENTIFIER && t2.tok() != Token.DOES_NOT_EXIST) {
                                    throw new ParseError("found '" + t2.lit() + "', expected: identifier after ','");
                                }
                            }
                            default -> throw new ParseError("found '" + t.lit() + "', expected: ',' or 'end of string'");
                        }
                    }
                    case END_OF_STRING -> {
                        break loop;
                    }
                    default -> throw new ParseError("found '" + la.lit() + "', expected: !, identifier, or 'end of string'");
                }
            }
        } catch (ParseError e) {
            return new Outcome(null, e.getMessage());
        }
        reqs.sort((a, b) -> GoStrings.compareUtf8(a.key(), b.key()));
        return new Outcome(reqs, null);
    }

    private LabelRequirement parseRequirement() throws ParseError {
        // parseKeyAndInferOperator
        Operator op = null;
        Item it = consume(true);
        if (it.tok() == Token.DOES_NOT_EXIST) {
            op = Operator.DOES_NOT_EXIST;
            it = consume(true);
        }
        if (it.tok() != Token.IDENTIFIER) {
            throw new ParseError("found '" + it.lit() + "', expected: identifier");
        }
        String key = it.lit();
        List<String> keyErrs = LabelValidation.isLabelKey(key);
        if (!keyErrs.isEmpty()) {
            throw new ParseError(FieldError.invalid("<nil>", key, String.join("; ", keyErrs)).toString());
        }
        Token next = lookahead(true).tok();
        if (next == Token.END_OF_STRING || next == Token.COMMA) {
            if (op != Operator.DOES_NOT_EXIST) {
                op = Operator.EXISTS;
            }
        }
        if (op == Operator.EXISTS || op == Operator.DOES_NOT_EXIST) {
            return newRequirement(key, op, List.of());
        }
        // parseOperator
        Item o = consume(false);
        op = switch (o.tok()) {
            case IN -> Operator.IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case GREATER_THAN -> Operator.GREATER_THAN;
            case LESS_THAN -> Operator.LESS_THAN;
            case NOT_IN -> Operator.NOT_IN;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            default -> throw new ParseError("found '" + o.lit() + "', expected: " + BINARY_OPERATORS);
        };
        TreeSet<String> values = (op == Operator.IN || op == Operator.NOT_IN) ? parseValues() : parseExactValue();
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(GoStrings.UTF8_ORDER);
        return newRequirement(key, op, sorted);
    }

    private TreeSet<String> parseValues() throws ParseError {
        Item it = consume(true);
        if (it.tok() != Token.OPEN_PAR) {
            throw new ParseError("found '" + it.lit() + "' expected: '('");
        }
        Item la = lookahead(true);
        switch (la.tok()) {
            case IDENTIFIER, COMMA -> {
                TreeSet<String> s = parseIdentifiersList();
                if (consume(true).tok() != Token.CLOSED_PAR) {
                    throw new ParseError("found '" + la.lit() + "', expected: ')'");
                }
                return s;
            }
            case CLOSED_PAR -> {
                consume(true);
                TreeSet<String> s = new TreeSet<>();
                s.add("");
                return s;
            }
            default -> throw new ParseError("found '" + la.lit() + "', expected: ',', ')' or identifier");
        }
    }

    private TreeSet<String> parseIdentifiersList() throws ParseError {
        TreeSet<String> s = new TreeSet<>();
        while (true) {
            Item it = consume(true);
            switch (it.tok()) {
                case IDENTIFIER -> {
                    s.add(it.lit());
                    Item t2 = lookahead(true);
                    switch (t2.tok()) {
                        case COMMA -> {
                            continue;
                        }
                        case CLOSED_PAR -> {
                            return s;
                        }
                        default -> throw new ParseError("found '" + t2.lit() + "', expected: ',' or ')'");
                    }
                }
                case COMMA -> {
                    if (s.isEmpty()) {
                        s.add("");
                    }
                    Token t2 = lookahead(true).tok();
                    if (t2 == Token.CLOSED_PAR) {
                        s.add("");
                        return s;
                    }
                    if (t2 == Token.COMMA) {
                        s.add("");
                    }
                }
                default -> throw new ParseError("found '" + it.lit() + "', expected: ',', or identifier");
            }
        }
    }

    private TreeSet<String> parseExactValue() throws ParseError {
        TreeSet<String> s = new TreeSet<>();
        Token t = lookahead(true).tok();
        if (t == Token.END_OF_STRING || t == Token.COMMA) {
            s.add("");
            return s;
        }
        Item it = consume(true);
        if (it.tok() == Token.IDENTIFIER) {
            s.add(it.lit());
            return s;
        }
        throw new ParseError("found '" + it.lit() + "', expected: identifier");
    }

    /** Mirrors {@code NewRequirement}'s validation; the error is {@code allErrs.ToAggregate()}. */
    private static LabelRequirement newRequirement(String key, Operator op, List<String> vals) throws ParseError {
        List<FieldError> errs = new ArrayList<>();
        List<String> keyErrs = LabelValidation.isLabelKey(key);
        if (!keyErrs.isEmpty()) {
            errs.add(FieldError.invalid("key", key, String.join("; ", keyErrs)));
        }
        switch (op) {
            case IN, NOT_IN -> {
                if (vals.isEmpty()) {
                    errs.add(FieldError.invalidRendered("values", "[]", "for 'in', 'notin' operators, values set can't be empty"));
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (vals.size() != 1) {
                    errs.add(FieldError.invalidRendered("values", renderList(vals), "exact-match compatibility requires one single value"));
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!vals.isEmpty()) {
                    errs.add(FieldError.invalidRendered("values", renderList(vals), "values set must be empty for exists and does not exist"));
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (vals.size() != 1) {
                    errs.add(FieldError.invalidRendered("values", renderList(vals), "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (int i = 0; i < vals.size(); i++) {
                    if (parseInt64(vals.get(i)) == null) {
                        errs.add(FieldError.invalid("values[" + i + "]", vals.get(i), "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
            }
        }
        for (int i = 0; i < vals.size(); i++) {
            List<String> ve = LabelValidation.isLabelValue(vals.get(i));
            if (!ve.isEmpty()) {
                errs.add(FieldError.invalid("values[" + i + "][" + key + "]", vals.get(i), String.join("; ", ve)));
            }
        }
        String agg = ApiStatus.aggregate(errs);
        if (agg != null) {
            throw new ParseError(agg);
        }
        return new LabelRequirement(key, op, vals);
    }

    private static String renderList(List<String> vals) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < vals.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            dev.breakwater.cache.golang.GoJson.appendString(b, vals.get(i));
        }
        return b.append(']').toString();
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, ASCII digits, int64 range; null on error. */
    static Long parseInt64(String s) {
        int n = s.length();
        if (n == 0) {
            return null;
        }
        int i = 0;
        boolean neg = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            neg = s.charAt(0) == '-';
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long acc = 0; // accumulate negatively to reach MIN_VALUE
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            int d = c - '0';
            if (acc < (limit + d) / 10 || acc * 10 < limit + d) {
                return null;
            }
            acc = acc * 10 - d;
        }
        return neg ? acc : -acc;
    }
}
