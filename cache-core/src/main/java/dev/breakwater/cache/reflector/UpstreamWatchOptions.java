package dev.breakwater.cache.reflector;

/**
 * A WATCH as the reflector opens it. {@code resourceVersion} 0 with {@code sendInitialEvents}
 * asks for a WatchList (initial state as ADDED events, then a bookmark annotated
 * {@code k8s.io/initial-events-end}); otherwise events after {@code resourceVersion}.
 * Bookmarks are always requested.
 */
public record UpstreamWatchOptions(long resourceVersion, boolean sendInitialEvents, long timeoutSeconds, boolean progress) {

  public static UpstreamWatchOptions from(long resourceVersion, long timeoutSeconds) {
    return new UpstreamWatchOptions(resourceVersion, false, timeoutSeconds, false);
  }

  public static UpstreamWatchOptions watchList(long timeoutSeconds) {
    return new UpstreamWatchOptions(0, true, timeoutSeconds, false);
  }

  /**
   * A {@link ProgressSupply} watch: from {@code resourceVersion}, marked as a progress watch
   * ({@link dev.breakwater.cache.delegator.ReadRouting#PROGRESS_WATCH_HEADER}) so that a Breakwater serving it
   * keeps its own bookmarks fresh.
   */
  public static UpstreamWatchOptions progress(long resourceVersion, long timeoutSeconds) {
    return new UpstreamWatchOptions(resourceVersion, false, timeoutSeconds, true);
  }
}
