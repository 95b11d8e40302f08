package dev.breakwater.cache.reflector;

/**
 * A WATCH as the reflector opens it. {@code resourceVersion} 0 with {@code sendInitialEvents}
 * asks for a WatchList (initial state as ADDED events, then a bookmark annotated
 * {@code k8s.io/initial-events-end}); otherwise events after {@code resourceVersion}.
 * Bookmarks are always requested.
 */
public record WatchRequest(long resourceVersion, boolean sendInitialEvents, long timeoutSeconds) {

  public static WatchRequest from(long resourceVersion, long timeoutSeconds) {
    return new WatchRequest(resourceVersion, false, timeoutSeconds);
  }

  public static WatchRequest watchList(long timeoutSeconds) {
    return new WatchRequest(0, true, timeoutSeconds);
  }
}
