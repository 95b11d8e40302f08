package dev.breakwater.cache.reflector;

/** An open upstream watch. */
public interface WatchStream {
  /** Ends the watch; {@link WatchHandler#onClosed} follows. Idempotent, any thread. */
  void cancel();
}
