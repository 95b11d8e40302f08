package dev.breakwater.cache;

import dev.breakwater.cache.admission.WatcherBudget;
import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.object.CachedObject;
import java.util.Objects;

/**
 * Where a {@link CacheWatcher} writes its events: one client's watch stream. The proxy implements it over HTTP
 * (JSON lines or protobuf frames, chunked); tests implement it in memory. Modelled on Vert.x
 * {@code WriteStream}: writes never block, and back-pressure is signalled by {@link #writeQueueFull()} plus a
 * {@linkplain #drainHandler drain callback}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The watcher calls {@link #write}, {@link #writeQueueFull}, {@link #drainHandler} and {@link #end} from
 *       whatever thread is moving its queue (the cache's writer thread, a {@code tick} caller, or the thread that
 *       ran the drain callback), but never two at once and never while holding a lock of its own.</li>
 *   <li>{@link #write} must not block. The watcher checks {@link #writeQueueFull()} before each write and, when
 *       it is full, registers a drain callback and stops writing; the sink must call that callback (once, on any
 *       thread) when it can take more.</li>
 *   <li>{@link #end} ends the stream cleanly without an ERROR event: the watch's timeout, a slow client dropped
 *       for a full queue (as the apiserver does), a stopped cache. Nothing is written after it.</li>
 * </ul>
 * Errors before the stream starts (410 {@code too old resource version}) are not sink events: the
 * {@link WatchCache#watch} result carries them and the proxy writes the {@code ERROR} event itself.
 */
public interface WatchSink {

    /**
     * One event to encode.
     *
     * @param type             the event type
     * @param object           the object (ADDED/MODIFIED: the new state; DELETED: the last state the watcher
     *                         saw, which for a selector exit is the <em>previous</em> state); null for BOOKMARK
     * @param resourceVersion  the event RV. The sink must render {@code metadata.resourceVersion} as this value:
     *                         for DELETED it differs from the object's own RV (Go's {@code updateResourceVersion}
     *                         on the previous object); for BOOKMARK it is the only metadata
     * @param initialEventsEnd a BOOKMARK ending the initial events: the sink adds the annotation
     *                         {@code k8s.io/initial-events-end: "true"}
     */
    record Event(EventType type, CachedObject object, long resourceVersion, boolean initialEventsEnd) {
        public Event {
            Objects.requireNonNull(type);
            if ((type == EventType.BOOKMARK) != (object == null)) {
                throw new IllegalArgumentException("BOOKMARK events and only they have no object");
            }
        }

        static Event bookmark(long resourceVersion, boolean initialEventsEnd) {
            return new Event(EventType.BOOKMARK, null, resourceVersion, initialEventsEnd);
        }
    }

    /** Queues one event for the client; never blocks. */
    void write(Event event);

    /** Whether the sink wants no more writes until it calls the drain callback. */
    boolean writeQueueFull();

    /** Registers the callback to run once when the sink can take writes again (replaces any earlier one). */
    void drainHandler(Runnable onDrain);

    /** Ends the stream cleanly (no ERROR event). Called at most once. */
    void end();

    /**
     * The byte budget of the watcher writing here ({@code --max-watch-queue-bytes} and the global account); read
     * once, when the watcher is made. Default: none (the event-count rules alone).
     */
    default WatcherBudget budget() {
        return WatcherBudget.UNLIMITED;
    }

    /**
     * Encoded bytes handed over by {@link #write} that the client's socket has not taken yet; read by the watcher
     * for its {@link WatcherBudget} (any thread, never under the watcher's lock). Default 0.
     */
    default long bufferedBytes() {
        return 0;
    }

    /**
     * {@code inner} with the etcd path's bookmarks: none but the one ending a WatchList's initial events. The
     * apiserver's etcd-path watches (core and events.k8s.io events) get no progress notifications — its etcd3 watcher
     * asks etcd for them only when the cacher opens the watch ({@code cacher/lister_watcher.go}) — so the only
     * BOOKMARK a client sees there is the initial-events-end one ({@code etcd3/watcher.go startWatching}). A watcher
     * served from the cache with {@code allowWatchBookmarks} would otherwise also get the cache's timer bookmarks.
     * Every other call is passed on unchanged.
     */
    static WatchSink initialEventsEndBookmarksOnly(WatchSink inner) {
        Objects.requireNonNull(inner);
        return new WatchSink() {
            @Override
            public void write(Event event) {
                if (event.type() != EventType.BOOKMARK || event.initialEventsEnd()) {
                    inner.write(event);
                }
            }

            @Override
            public boolean writeQueueFull() {
                return inner.writeQueueFull();
            }

            @Override
            public void drainHandler(Runnable onDrain) {
                inner.drainHandler(onDrain);
            }

            @Override
            public void end() {
                inner.end();
            }

            @Override
            public WatcherBudget budget() {
                return inner.budget();
            }

            @Override
            public long bufferedBytes() {
                return inner.bufferedBytes();
            }

            @Override
            public void terminatedAsUnresponsive() {
                inner.terminatedAsUnresponsive();
            }
        };
    }

    /**
     * Told just before {@link #end} when the watcher is closed for being blocked past its budget — the apiserver's
     * "Forcing watcher close due to unresponsiveness" ({@code apiserver_terminated_watchers_total}). For metrics.
     */
    default void terminatedAsUnresponsive() {
    }
}
