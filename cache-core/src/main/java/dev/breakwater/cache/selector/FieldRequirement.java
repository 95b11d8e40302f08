package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.FieldSource;
import java.util.Objects;

/**
 * One term of a field selector: {@code hasTerm} ({@link Operator#EQUALS}) or {@code notHasTerm}
 * ({@link Operator#NOT_EQUALS}) in {@code k8s.io/apimachinery/pkg/fields/selector.go}. {@code ==} parses to
 * {@code EQUALS}, as in Go. The value is unescaped. Immutable.
 */
public record FieldRequirement(String field, Operator operator, String value) {
    public FieldRequirement {
        Objects.requireNonNull(field);
        Objects.requireNonNull(value);
        if (operator != Operator.EQUALS && operator != Operator.NOT_EQUALS) {
            throw new IllegalArgumentException("field selectors support = and != only: " + operator);
        }
    }

    /** {@code hasTerm.Matches} / {@code notHasTerm.Matches}. */
    public boolean matches(FieldSource fields) {
        boolean eq = fields.get(field).equals(value);
        return operator == Operator.EQUALS ? eq : !eq;
    }

    /** {@code String()}: {@code field=value} or {@code field!=value}, value escaped with {@code EscapeValue}. */
    @Override
    public String toString() {
        return field + (operator == Operator.EQUALS ? "=" : "!=") + FieldSelector.escapeValue(value);
    }
}
