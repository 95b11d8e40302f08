package dev.breakwater.cache.watch;

import dev.breakwater.cache.object.CachedObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One change seen by the cache, mirroring {@code watchCacheEvent} in {@code watch_cache.go}: the new object (for
 * DELETED, the last state with the deletion RV), the previous state if any (needed to send DELETED with the
 * previous state when an object leaves a selector), the event's resourceVersion and when the cache recorded it.
 * Immutable.
 *
 * @param type            ADDED, MODIFIED or DELETED
 * @param object          the object after the change (never null)
 * @param prevObject      the object before the change, or null for ADDED
 * @param resourceVersion the event RV (uint64 stored in a long; compare with {@link Long#compareUnsigned})
 * @param recordTime      when the cache recorded the event (from the injected clock)
 */
public record WatchEvent(EventType type, CachedObject object, CachedObject prevObject, long resourceVersion, Instant recordTime) {

    public WatchEvent {
        Objects.requireNonNull(type);
        if (type == EventType.BOOKMARK) {
            throw new IllegalArgumentException("bookmarks do not enter the history");
        }
        Objects.requireNonNull(object);
        Objects.requireNonNull(recordTime);
    }
}
