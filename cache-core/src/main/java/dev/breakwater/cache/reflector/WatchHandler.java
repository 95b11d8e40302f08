package dev.breakwater.cache.reflector;

import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.object.CachedObject;

/** Receives one upstream watch stream, in order, from one thread at a time. */
public interface WatchHandler {

  /** ADDED, MODIFIED or DELETED (never BOOKMARK: see {@link #onBookmark}). */
  void onEvent(EventType type, CachedObject object);

  /** A BOOKMARK; {@code initialEventsEnd} when annotated {@code k8s.io/initial-events-end}. */
  void onBookmark(long resourceVersion, boolean initialEventsEnd);

  /** An ERROR event (a Status): e.g. 410 Expired. The stream ends after it. */
  void onError(UpstreamStatusException status);

  /** The stream ended: {@code failure} null for a clean end (timeout), else why. Called once, last. */
  void onClosed(Throwable failure);
}
