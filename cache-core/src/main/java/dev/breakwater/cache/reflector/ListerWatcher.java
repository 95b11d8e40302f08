package dev.breakwater.cache.reflector;

import java.util.concurrent.CompletableFuture;

/**
 * How a {@link Reflector} reaches the upstream apiserver for one resource, mirroring
 * client-go's {@code cache.ListerWatcher}. Implemented by the proxy over HTTP; by tests in
 * memory. Non-blocking: results arrive on the implementation's threads and the reflector moves
 * them onto its own.
 */
public interface ListerWatcher {

  /**
   * One LIST page. Fails with {@link UpstreamStatusException} when the upstream answers with a
   * Status (e.g. 410 Expired for a stale continue token), with any other exception when the
   * upstream could not be reached or answered garbage.
   */
  CompletableFuture<UpstreamListPage> list(UpstreamListOptions request);

  /**
   * Opens a WATCH. Events go to {@code handler} in stream order from one thread at a time;
   * {@link WatchHandler#onClosed} is called exactly once, last. {@link WatchStream#cancel}
   * ends it from any thread.
   */
  WatchStream watch(UpstreamWatchOptions request, WatchHandler handler);
}
