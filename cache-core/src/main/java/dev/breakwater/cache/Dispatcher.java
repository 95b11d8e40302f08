package dev.breakwater.cache;

import dev.breakwater.cache.store.OrderedStore;
import dev.breakwater.cache.watch.WatchEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans the watch cache's events out to its {@link CacheWatcher}s: the dispatch half of {@code Cacher}
 * ({@code dispatchEvents}, {@code dispatchEvent}, {@code startDispatchingBookmarkEventsLocked},
 * {@code watcherBookmarkTimeBuckets}) in {@code k8s.io/apiserver/pkg/storage/cacher/cacher.go}.
 *
 * <p>Differences from Go, on purpose: there is no {@code incoming} channel and no dispatcher goroutine — the
 * writer thread calls {@link #dispatch} right after it has committed the event (outside the cache's lock), and
 * each watcher's {@link CacheWatcher#offer} is non-blocking, so a slow watcher can never hold up the producer or
 * the other watchers (Go blocks up to its 100 ms budget instead). Bookmarks are driven by {@link #tick()}, which
 * the owner calls about once a second (Go's jittered 1 s {@code bookmarkTimer}); each watcher keeps its own next
 * bookmark time instead of Go's time buckets. Storage bookmarks only advance the RV, they are not dispatched
 * (as in Go).
 *
 * <p>Concurrency: {@link #dispatch} and {@link #resourceVersionAdvanced} are called by the single writer thread;
 * {@link #tick()}, {@link #register} and {@link #remove} by any thread. The watcher list is copy-on-write, so
 * dispatch iterates a stable array with no lock held while calling out. {@code lastProcessedResourceVersion} is
 * written only by the writer thread and is volatile for {@code tick}.
 */
final class Dispatcher {
    private final CopyOnWriteArrayList<CacheWatcher> watchers = new CopyOnWriteArrayList<>();
    /** The RV of the last event or storage bookmark; never decreases. Written by the writer thread only. */
    private volatile long lastProcessedResourceVersion;

    /** Delivers one committed event to every watcher (non-blocking). */
    void dispatch(WatchEvent event) {
        advance(event.resourceVersion());
        String key = null;
        for (CacheWatcher w : watchers) {
            if (key == null) {
                key = OrderedStore.keyOf(event.object());
            }
            w.offer(event, key);
        }
    }

    /** Delivers a relist's difference, in order, as one burst exempt from the slow-watcher limits. */
    void dispatchRelist(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            advance(event.resourceVersion());
            String key = OrderedStore.keyOf(event.object());
            for (CacheWatcher w : watchers) {
                w.offer(event, key, true);
            }
        }
    }

    /** A storage bookmark or relist moved the cache RV. */
    void resourceVersionAdvanced(long resourceVersion) {
        advance(resourceVersion);
    }

    private void advance(long rv) {
        if (Long.compareUnsigned(rv, lastProcessedResourceVersion) > 0) {
            lastProcessedResourceVersion = rv;
        }
    }

    long lastProcessedResourceVersion() {
        return lastProcessedResourceVersion;
    }

    /** Bookmarks, deadlines, slow-watcher budgets: call about once a second. */
    void tick() {
        long rv = lastProcessedResourceVersion;
        if (rv == 0) {
            return; // Go waits for the first list RV before dispatching anything
        }
        for (CacheWatcher w : watchers) {
            w.tick(rv);
        }
    }

    void register(CacheWatcher w) {
        watchers.add(w);
    }

    void remove(CacheWatcher w) {
        watchers.remove(w);
    }

    /** {@code terminateAllWatchers}: every stream ends cleanly. */
    void terminateAll() {
        for (CacheWatcher w : watchers) {
            w.stop();
        }
    }

    List<CacheWatcher> watchers() {
        return List.copyOf(watchers);
    }
}
