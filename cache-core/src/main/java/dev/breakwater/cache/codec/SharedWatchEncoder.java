package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;

/**
 * One encoder shared by every watcher of a cache that asks for the same representation, so that
 * an event fanned out to N watchers is encoded once, not N times (the apiserver's cacher caches
 * the serialization of an event per encoder the same way: {@code cachingObject}).
 *
 * <p>Each watcher converts the event itself (a selector exit becomes DELETED with the previous
 * state), so watchers hand in different {@link WatchSink.Event} instances; what identifies the
 * frame is its type, the cached object (by identity) and the event's resourceVersion. The last
 * such frame is kept: watchers drain an event at about the same time, so one entry catches the
 * fan-out; when events interleave, a miss only costs an encode. Bookmarks (a per-watcher RV, a
 * few bytes) are encoded each time.
 *
 * <p>Thread-safe: watchers drain on any thread; the entry is replaced whole, and frames are
 * never modified after encoding.
 */
public final class SharedWatchEncoder implements WatchEventEncoder {

  private record Frame(EventType type, CachedObject object, long resourceVersion, byte[] bytes) {}

  private final WatchEventEncoder delegate;
  private volatile Frame last;

  public SharedWatchEncoder(WatchEventEncoder delegate) {
    this.delegate = delegate;
  }

  @Override
  public byte[] encode(WatchSink.Event e) {
    if (e.object() == null) {
      return delegate.encode(e);
    }
    Frame f = last;
    if (f != null && f.object() == e.object() && f.type() == e.type() && f.resourceVersion() == e.resourceVersion()) {
      return f.bytes();
    }
    byte[] bytes = delegate.encode(e);
    last = new Frame(e.type(), e.object(), e.resourceVersion(), bytes);
    return bytes;
  }

  @Override
  public String contentType() {
    return delegate.contentType();
  }

  @Override
  public boolean text() {
    return delegate.text();
  }
}
