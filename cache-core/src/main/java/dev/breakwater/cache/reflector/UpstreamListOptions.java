package dev.breakwater.cache.reflector;

/**
 * A LIST as the reflector sends it: {@code resourceVersion} empty for a consistent read (never
 * "0" for a sync: that may be served stale), {@code limit} for pagination, {@code continueToken}
 * for the following pages.
 */
public record UpstreamListOptions(String resourceVersion, long limit, String continueToken) {

  public static UpstreamListOptions consistent(long limit) {
    return new UpstreamListOptions("", limit, null);
  }

  public UpstreamListOptions next(String token) {
    return new UpstreamListOptions("", limit, token);
  }
}
