package dev.breakwater.cache.status;

import java.util.Objects;
import java.util.function.Function;

/**
 * Either a value or the {@link ApiStatus} the apiserver would answer with. cache-core never throws for bad client
 * input; it returns {@code Result.Err}. Immutable if {@code T} is.
 *
 * @param <T> the success type
 */
public sealed interface Result<T> {

    /** A successful outcome. */
    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A failed outcome carrying the apiserver-style error. */
    record Err<T>(ApiStatus status) implements Result<T> {
        public Err {
            Objects.requireNonNull(status, "status");
        }
    }

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> err(ApiStatus status) {
        return new Err<>(status);
    }

    default boolean isOk() {
        return this instanceof Ok<T>;
    }

    /** The value; throws {@link IllegalStateException} on {@code Err} (a programming error, not bad input). */
    default T value() {
        if (this instanceof Ok<T>(T v)) {
            return v;
        }
        throw new IllegalStateException("not ok: " + ((Err<T>) this).status().message());
    }

    /** The error; throws {@link IllegalStateException} on {@code Ok}. */
    default ApiStatus error() {
        if (this instanceof Err<T>(ApiStatus s)) {
            return s;
        }
        throw new IllegalStateException("not an error");
    }

    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T>(T v) -> new Ok<>(f.apply(v));
            case Err<T>(ApiStatus s) -> new Err<>(s);
        };
    }
}
