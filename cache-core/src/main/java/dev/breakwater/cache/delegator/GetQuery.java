package dev.breakwater.cache.delegator;

import java.util.Objects;

/**
 * A parsed GET ({@link ReadParams#get}): the object's store key, its name, and the
 * {@code resourceVersion} parameter as sent ("" when absent; {@code resourceVersionMatch} is
 * ignored for GET, as the apiserver ignores it).
 */
public record GetQuery(String key, String name, String resourceVersion) {

  public GetQuery {
    Objects.requireNonNull(key);
    Objects.requireNonNull(name);
    Objects.requireNonNull(resourceVersion);
  }
}
