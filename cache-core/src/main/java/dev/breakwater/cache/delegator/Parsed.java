package dev.breakwater.cache.delegator;

import dev.breakwater.cache.status.ApiStatus;

/**
 * The outcome of parsing a read's query ({@link ReadParams}): the parsed value, or why the
 * request cannot be served from the cache — a Status to answer with (the apiserver's own, e.g. a
 * label selector's 400) or a reason to pass it upstream (only the apiserver can word the error,
 * or the cache does not model the request). Exactly one of the three is set. Immutable.
 */
public record Parsed<T>(T value, ApiStatus reject, String delegate) {

  public static <T> Parsed<T> ok(T value) {
    return new Parsed<>(value, null, null);
  }

  public static <T> Parsed<T> rejected(ApiStatus status) {
    return new Parsed<>(null, status, null);
  }

  public static <T> Parsed<T> delegated(String why) {
    return new Parsed<>(null, null, why);
  }

  /** {@code other}'s failure, retyped. */
  public static <T> Parsed<T> failed(Parsed<?> other) {
    if (other.ok()) {
      throw new IllegalStateException("parsed");
    }
    return new Parsed<>(null, other.reject(), other.delegate());
  }

  public boolean ok() {
    return value != null;
  }

  /** The plan for a failed parse: {@link ReadPlan.Reject} or {@link ReadPlan.Delegate}. */
  public <R> ReadPlan<R> failure() {
    if (ok()) {
      throw new IllegalStateException("parsed");
    }
    return reject != null ? new ReadPlan.Reject<>(reject) : new ReadPlan.Delegate<>(delegate);
  }
}
