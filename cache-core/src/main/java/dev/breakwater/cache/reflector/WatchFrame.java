package dev.breakwater.cache.reflector;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.watch.EventType;

/**
 * One decoded upstream watch frame, whatever its wire format ({@code codec.JsonFrames},
 * {@code codec.ProtobufFrames}): an event (ADDED, MODIFIED, DELETED), a bookmark, or an error
 * Status. What a {@link ListerWatcher}'s stream hands to its {@link WatchHandler}. Immutable.
 */
public sealed interface WatchFrame {

  record Event(EventType type, CachedObject object) implements WatchFrame {}

  record Bookmark(long resourceVersion, boolean initialEventsEnd) implements WatchFrame {}

  record Error(UpstreamStatusException status) implements WatchFrame {}
}
