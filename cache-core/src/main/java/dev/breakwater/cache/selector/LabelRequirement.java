package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.LabelSource;
import java.util.List;
import java.util.Objects;

/**
 * One requirement of a label selector, mirroring {@code labels.Requirement}. Values are sorted and unique, as the
 * parser builds them from a {@code sets.String}. Immutable.
 *
 * @param key      the label key
 * @param operator the operator
 * @param values   the values (empty for {@code exists} / {@code !})
 */
public record LabelRequirement(String key, Operator operator, List<String> values) {
    public LabelRequirement {
        Objects.requireNonNull(key);
        Objects.requireNonNull(operator);
        values = List.copyOf(values);
    }

    /** Mirrors {@code Requirement.Matches}. {@code labels.get} returns null for an absent label. */
    public boolean matches(LabelSource labels) {
        return switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> {
                String v = labels.get(key);
                yield v != null && values.contains(v);
            }
            case NOT_IN, NOT_EQUALS -> {
                String v = labels.get(key);
                yield v == null || !values.contains(v);
            }
            case EXISTS -> labels.get(key) != null;
            case DOES_NOT_EXIST -> labels.get(key) == null;
            case GREATER_THAN, LESS_THAN -> {
                String v = labels.get(key);
                if (v == null || values.size() != 1) {
                    yield false;
                }
                Long have = LabelParser.parseInt64(v);
                Long want = LabelParser.parseInt64(values.getFirst());
                if (have == null || want == null) {
                    yield false;
                }
                yield operator == Operator.GREATER_THAN ? have > want : have < want;
            }
        };
    }

    /** Mirrors {@code Requirement.String()}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(key.length() + 8);
        if (operator == Operator.DOES_NOT_EXIST) {
            sb.append('!');
        }
        sb.append(key);
        switch (operator) {
            case EQUALS -> sb.append('=');
            case DOUBLE_EQUALS -> sb.append("==");
            case NOT_EQUALS -> sb.append("!=");
            case IN -> sb.append(" in ");
            case NOT_IN -> sb.append(" notin ");
            case GREATER_THAN -> sb.append('>');
            case LESS_THAN -> sb.append('<');
            case EXISTS, DOES_NOT_EXIST -> {
                return sb.toString();
            }
        }
        boolean set = operator == Operator.IN || operator == Operator.NOT_IN;
        if (set) {
            sb.append('(');
        }
        sb.append(String.join(",", values)); // values are kept sorted (safeSort)
        if (set) {
            sb.append(')');
        }
        return sb.toString();
    }
}
