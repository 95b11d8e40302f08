package dev.breakwater.cache.delegator;

import java.util.Objects;

/**
 * The GET a plan serves: the object at {@code key} ({@code ns/name} or {@code name}) in current
 * state, once the cache RV is at least {@code minResourceVersion}.
 *
 * @param name  the object's name, for the 404
 */
public record GetRead(String key, String name, long minResourceVersion) {

  public GetRead {
    Objects.requireNonNull(key);
    Objects.requireNonNull(name);
  }

  /** This read at the upstream's current RV (a consistent read, once fresh). */
  public GetRead atResourceVersion(long resourceVersion) {
    return new GetRead(key, name, resourceVersion);
  }
}
