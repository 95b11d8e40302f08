package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.LabelSource;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A parsed label selector: the AND of its requirements, mirroring {@code labels.internalSelector} and
 * {@code labels.Parse} in {@code k8s.io/apimachinery/pkg/labels/selector.go}.
 *
 * <p>{@link #parse} accepts exactly what Go accepts (operators {@code =, ==, !=, in, notin}, existence
 * {@code key} / {@code !key}, integer {@code >} / {@code <}; whitespace {@code ' ' \t \r \n}; a NUL character
 * ends the input as in Go's lexer) and fails with Go's error text as a 400 BadRequest (the apiserver wraps the
 * conversion error with {@code NewBadRequest(err.Error())}).
 *
 * <p>Requirements are sorted by key (stable; Go's {@code sort.Sort} is stable for up to 12 requirements, which
 * only matters for {@link #toString()} of larger selectors repeating a key). Immutable and thread-safe.
 */
public final class LabelSelector {
    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<LabelRequirement> requirements;

    LabelSelector(List<LabelRequirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    /** The selector that matches everything ({@code labels.Everything()}). */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Mirrors {@code labels.Parse}; the error is Go's message in a 400 BadRequest. */
    public static Result<LabelSelector> parse(String selector) {
        LabelParser.Outcome o = new LabelParser(selector).parse();
        if (o.error() != null) {
            return Result.err(ApiStatus.badRequest(o.error()));
        }
        return Result.ok(o.requirements().isEmpty() ? EVERYTHING : new LabelSelector(o.requirements()));
    }

    public List<LabelRequirement> requirements() {
        return requirements;
    }

    /** True for the empty selector (matches everything). */
    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    /** Mirrors {@code Selector.Matches}: all requirements hold. */
    public boolean matches(LabelSource labels) {
        for (LabelRequirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Convenience for {@link #matches(LabelSource)} over a map. */
    public boolean matches(Map<String, String> labels) {
        return matches(labels::get);
    }

    /** Mirrors {@code RequiresExactMatch}: the value the first requirement on {@code label} pins, if any. */
    public Optional<String> requiresExactMatch(String label) {
        for (LabelRequirement r : requirements) {
            if (r.key().equals(label)) {
                return switch (r.operator()) {
                    case EQUALS, DOUBLE_EQUALS, IN -> r.values().size() == 1 ? Optional.of(r.values().getFirst()) : Optional.empty();
                    default -> Optional.empty();
                };
            }
        }
        return Optional.empty();
    }

    /** Mirrors {@code String()}: canonical form, which {@link #parse} maps back to an equal selector. */
    @Override
    public String toString() {
        return requirements.stream().map(LabelRequirement::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector s && s.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode();
    }
}
