package dev.breakwater.cache.auth;

import java.util.List;

/**
 * Read access to a request's headers, case-insensitive by name, so identity parsing needs no HTTP
 * library. Values are in arrival order.
 */
public interface Headers {

  /** Every value of {@code name} (empty list when absent). */
  List<String> all(String name);

  /** The distinct header names present, in any case. */
  List<String> names();

  /** The first value of {@code name}, "" when absent (Go's {@code Header.Get}). */
  default String first(String name) {
    List<String> v = all(name);
    return v.isEmpty() ? "" : v.getFirst();
  }
}
