package dev.breakwater.cache.reflector;

/**
 * A LIST as the reflector sends it: {@code resourceVersion} empty for a consistent read (never
 * "0" for a sync: that may be served stale), {@code limit} for pagination, {@code continueToken}
 * for the following pages.
 */
public record ListRequest(String resourceVersion, long limit, String continueToken) {

  public static ListRequest consistent(long limit) {
    return new ListRequest("", limit, null);
  }

  public ListRequest next(String token) {
    return new ListRequest("", limit, token);
  }
}
