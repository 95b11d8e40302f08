package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.FieldSource;
import dev.breakwater.cache.golang.GoStrings;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A parsed field selector: the AND of {@code =} / {@code !=} terms, mirroring {@code fields.ParseSelector} and
 * {@code andTerm} in {@code k8s.io/apimachinery/pkg/fields/selector.go}.
 *
 * <p>Parsing splits on unescaped {@code ,}, sorts the terms byte-wise, splits each term at the first of
 * {@code !=}, {@code ==}, {@code =}, unescapes the value ({@code \\ \, \=}) and drops terms whose field and value
 * are both empty. No whitespace trimming: {@code "a = b"} selects field {@code "a "} = {@code " b"}, as in Go.
 * Errors (400 BadRequest with Go's text): {@code invalid selector: '<sel>'; can't understand '<term>'},
 * {@code invalid field selector: invalid escape sequence: \x},
 * {@code invalid field selector: unescaped character in value: 61} (Go prints the rune as a number).
 *
 * <p>{@link #transform} applies a kind's field label conversion, as the apiserver's list/watch handlers do right
 * after parsing. Immutable and thread-safe.
 */
public final class FieldSelector {
    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<FieldRequirement> terms;

    FieldSelector(List<FieldRequirement> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /** Mirrors {@code fields.ParseSelector}. */
    public static Result<FieldSelector> parse(String selector) {
        List<String> parts = splitTerms(selector);
        parts.sort(GoStrings.UTF8_ORDER);
        List<FieldRequirement> items = new ArrayList<>(parts.size());
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            int at = -1;
            String op = null;
            search:
            for (int i = 0; i < part.length(); i++) {
                for (String candidate : new String[] {"!=", "==", "="}) {
                    if (part.startsWith(candidate, i)) {
                        at = i;
                        op = candidate;
                        break search;
                    }
                }
            }
            if (op == null) {
                return Result.err(ApiStatus.badRequest("invalid selector: '" + selector + "'; can't understand '" + part + "'"));
            }
            String lhs = part.substring(0, at);
            String rhs = part.substring(at + op.length());
            Result<String> value = unescapeValue(rhs);
            if (!value.isOk()) {
                return Result.err(value.error());
            }
            if (lhs.isEmpty() && value.value().isEmpty()) {
                continue; // Transform: an empty field and value becomes Everything() and is dropped from the AND
            }
            items.add(new FieldRequirement(lhs, op.equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS, value.value()));
        }
        return Result.ok(items.isEmpty() ? EVERYTHING : new FieldSelector(items));
    }

    /** Mirrors {@code splitTerms}: split on commas not preceded by an escaping backslash. */
    static List<String> splitTerms(String s) {
        List<String> terms = new ArrayList<>();
        if (s.isEmpty()) {
            return terms;
        }
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                terms.add(s.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(s.substring(start));
        return terms;
    }

    /** Mirrors {@code fields.EscapeValue}. */
    public static String escapeValue(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == ',' || c == '=') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Mirrors {@code fields.UnescapeValue}, with Go's error texts. */
    static Result<String> unescapeValue(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf(',') < 0 && s.indexOf('=') < 0) {
            return Result.ok(s);
        }
        StringBuilder v = new StringBuilder(s.length());
        boolean inSlash = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (inSlash) {
                if (c == '\\' || c == ',' || c == '=') {
                    v.appendCodePoint(c);
                } else {
                    return Result.err(ApiStatus.badRequest("invalid field selector: invalid escape sequence: \\" + Character.toString(c)));
                }
                inSlash = false;
                continue;
            }
            switch (c) {
                case '\\' -> inSlash = true;
                case ',', '=' -> {
                    return Result.err(ApiStatus.badRequest("invalid field selector: unescaped character in value: " + c));
                }
                default -> v.appendCodePoint(c);
            }
        }
        if (inSlash) {
            return Result.err(ApiStatus.badRequest("invalid field selector: invalid escape sequence: \\"));
        }
        return Result.ok(v.toString());
    }

    /**
     * Mirrors {@code Selector.Transform(fn)} with a kind's field label conversion, as the list/watch handlers do
     * ({@code get.go}: {@code NewBadRequest(err.Error())} on failure). Terms are converted in order; the first
     * failure wins.
     */
    public Result<FieldSelector> transform(FieldLabelConverter converter) {
        List<FieldRequirement> out = new ArrayList<>(terms.size());
        for (FieldRequirement t : terms) {
            Result<String> label = converter.convert(t.field());
            if (!label.isOk()) {
                return Result.err(ApiStatus.badRequest(label.error().message()));
            }
            if (label.value().isEmpty() && t.value().isEmpty()) {
                continue;
            }
            out.add(new FieldRequirement(label.value(), t.operator(), t.value()));
        }
        return Result.ok(out.isEmpty() ? EVERYTHING : new FieldSelector(out));
    }

    public List<FieldRequirement> requirements() {
        return terms;
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    public boolean matches(FieldSource fields) {
        for (FieldRequirement t : terms) {
            if (!t.matches(fields)) {
                return false;
            }
        }
        return true;
    }

    /** Convenience: match against a map, absent keys reading as "". */
    public boolean matches(Map<String, String> fields) {
        return matches(f -> fields.getOrDefault(f, ""));
    }

    /** Mirrors {@code RequiresExactMatch}: the value of the first {@code =} term on {@code field}. */
    public Optional<String> requiresExactMatch(String field) {
        for (FieldRequirement t : terms) {
            if (t.operator() == Operator.EQUALS && t.field().equals(field)) {
                return Optional.of(t.value());
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return terms.stream().map(FieldRequirement::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSelector s && s.terms.equals(terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }
}
