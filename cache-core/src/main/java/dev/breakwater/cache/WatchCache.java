package dev.breakwater.cache;

import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.reflector.ReflectorStore;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.store.ListPage;
import dev.breakwater.cache.store.OrderedStore;
import dev.breakwater.cache.store.Snapshotter;
import dev.breakwater.cache.watch.EventWindow;
import dev.breakwater.cache.watch.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cache of one resource: current state, recent history, snapshots, resourceVersion, readiness and watchers.
 * Mirrors {@code watchCache} in {@code k8s.io/apiserver/pkg/storage/cacher/watch_cache.go} plus the parts of
 * {@code Cacher} ({@code cacher.go}) that tie it to watchers.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Store</b>: an immutable {@link OrderedStore} published through a volatile field together with the
 *       cache RV ({@link Published}). Each event derives the next store in O(log n).</li>
 *   <li><b>History</b>: the {@link EventWindow} ring (≥ 75 s of events), for watches resuming at an RV.</li>
 *   <li><b>Snapshots</b>: one {@link Snapshotter} entry per event and per relist ({@code ListFromCacheSnapshot}),
 *       dropped with evicted history ({@code RemoveLess(oldest)} when the window is full), on relist
 *       ({@code Reset}), on {@link #compact}, and by the snapshotter's count/age bounds.</li>
 *   <li><b>resourceVersion</b>: the RV the cache is synced to; never goes backwards; storage bookmarks
 *       ({@link #updateResourceVersion}) advance it without an event.</li>
 *   <li><b>Relist</b>: {@link #replace} on a populated cache diffs old and new state and dispatches
 *       ADDED/MODIFIED/DELETED events in RV order, appended to the history, so watchers survive and watchers
 *       resuming from an RV before the relist are served too (the apiserver instead terminates all watchers
 *       and restarts its history); see {@link #replace}.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * One writer: the upstream reflector thread calls the {@link ReflectorStore} methods, never concurrently. Many
 * readers: request threads call {@link #list}, {@link #get}, {@link #eventsSince}, {@link #watch},
 * {@link #whenFresh}. {@code lock} (read-write) is held for writing only while one event is committed — window
 * append, store publication, snapshot add: O(log n), no I/O, no callbacks — and for reading only by
 * {@link #watch} to pair a consistent start point with registration. {@link #list} and {@link #get} take no lock
 * at all: they read the volatile {@link Published} pair and then work on an immutable store, so readers never
 * block the writer (and a slow paginated list never holds anything). Dispatch to watchers, freshness waiters
 * and readiness transitions run on the writer thread <em>after</em> the lock is released and never block.
 *
 * <h2>Reads and freshness</h2>
 * {@link #list} and {@link #get} answer immediately. When the request needs an RV the cache has not reached,
 * they answer 504 {@code Too large resource version}; the caller first waits with {@link #whenFresh} (with its
 * own 3 s timeout, Go's {@code blockTimeout}) — waiting never parks a thread.
 */
public final class WatchCache implements ReflectorStore {

    /**
     * Tunables; {@link #defaults()} are the apiserver's where it has one.
     *
     * @param eventFreshDuration    history to keep at least ({@code eventFreshDuration}, 75 s)
     * @param windowLowerBound      event ring lower bound (100)
     * @param windowUpperBound      event ring upper bound (100 Ki for 75 s)
     * @param maxSnapshots          snapshot count bound on top of the window rule (default 100 Ki = the ring's
     *                              upper bound, so the window rule decides)
     * @param maxSnapshotAge        snapshot age bound (default 10 min; Go has none besides the window)
     * @param watcherQueueCapacity  per-watcher queue (Go's channel size: 10…100 by event rate; default 100)
     * @param blockedWatcherBudget  how long a watcher's queue may stay full before it is closed (Go's
     *                              {@code dispatchTimeoutBudget} max, 100 ms)
     * @param bookmarkFrequency     periodic bookmark interval ({@code defaultBookmarkFrequency}, 1 min)
     */
    public record Config(Duration eventFreshDuration, int windowLowerBound, int windowUpperBound, int maxSnapshots,
                         Duration maxSnapshotAge, int watcherQueueCapacity, Duration blockedWatcherBudget,
                         Duration bookmarkFrequency) {
        public static Config defaults() {
            return new Config(EventWindow.DEFAULT_EVENT_FRESH_DURATION, EventWindow.LOWER_BOUND_CAPACITY,
                    EventWindow.capacityUpperBound(EventWindow.DEFAULT_EVENT_FRESH_DURATION),
                    EventWindow.UPPER_BOUND_CAPACITY, Duration.ofMinutes(10), 100, Duration.ofMillis(100),
                    Duration.ofMinutes(1));
        }
    }

    /** The store and the RV it is at, published together. Immutable. */
    public record Published(OrderedStore store, long resourceVersion) {}

    /**
     * One LIST page to read, as the routing plan decided it ({@code delegator.ReadRouting.list}): nothing about
     * resourceVersionMatch, legacy exact or the RV=0 limit rule is decided here again.
     *
     * @param prefix           store key prefix: {@code ""} or {@code "ns/"}
     * @param startKey         the store-relative key to start from (inclusive; a continue token's), or null
     * @param limit            page size, {@code <= 0} for all
     * @param predicate        selectors
     * @param snapshot         true: from the snapshot with the greatest RV ≤ {@code resourceVersion}, answered at
     *                         exactly {@code resourceVersion} (Exact, legacy exact, continue rv &gt; 0); false: current
     *                         state, answered at the cache RV
     * @param resourceVersion  the RV the cache must have reached (a consistent read's: the upstream's current RV)
     */
    public record ListRequest(String prefix, String startKey, long limit, SelectionPredicate predicate, boolean snapshot,
                              long resourceVersion) {
        public ListRequest {
            Objects.requireNonNull(prefix);
            Objects.requireNonNull(predicate);
        }

        /** Current state once the cache RV is at least {@code resourceVersion}. */
        public static ListRequest current(String prefix, String startKey, long limit, SelectionPredicate p,
                                          long resourceVersion) {
            return new ListRequest(prefix, startKey, limit, p, false, resourceVersion);
        }

        /** The snapshot at (the greatest RV ≤) {@code resourceVersion}. */
        public static ListRequest snapshot(String prefix, String startKey, long limit, SelectionPredicate p,
                                           long resourceVersion) {
            return new ListRequest(prefix, startKey, limit, p, true, resourceVersion);
        }

        /** This request at {@code rv} (a consistent read, once the upstream's current RV is known). */
        public ListRequest withResourceVersion(long rv) {
            return new ListRequest(prefix, startKey, limit, predicate, snapshot, rv);
        }
    }

    /**
     * A list answer: the page and the RV to put in {@code metadata.resourceVersion} and in the continue token.
     *
     * @param fromSnapshot whether it was served from a snapshot (exact RV / continue) rather than current state
     */
    public record ListResult(ListPage page, long resourceVersion, boolean fromSnapshot) {}

    /** A GET answer: the object if present, and the cache RV it was read at. */
    public record GetResult(Optional<CachedObject> object, long resourceVersion) {}

    /**
     * A WATCH after validation.
     *
     * @param prefix            store key prefix
     * @param resourceVersion   the parsed RV (0 for unset or "0")
     * @param sendInitialEvents null when not given, else its value
     * @param allowBookmarks    allowWatchBookmarks
     * @param deadline          when the watch ends (timeoutSeconds), or null
     */
    public record WatchRequest(String prefix, long resourceVersion, Boolean sendInitialEvents, boolean allowBookmarks,
                               SelectionPredicate predicate, Instant deadline) {
        public WatchRequest {
            Objects.requireNonNull(prefix);
            Objects.requireNonNull(predicate);
        }

        /** This watch from {@code rv} (a consistent start bound to the RV the cache reached). */
        public WatchRequest from(long rv) {
            return new WatchRequest(prefix, rv, sendInitialEvents, allowBookmarks, predicate, deadline);
        }

        /** Whether the initial events are the current state ({@code sendInitialEvents=true}, or RV 0 without it). */
        public boolean initialEventsFromState() {
            return Boolean.TRUE.equals(sendInitialEvents) || (resourceVersion == 0 && sendInitialEvents == null);
        }
    }

    private final InstantSource clock;
    private final Config config;
    private final EventWindow window;
    private final Snapshotter snapshots;
    private final Ready ready;
    private final Dispatcher dispatcher = new Dispatcher();
    private final AtomicLong watcherIds = new AtomicLong();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Store + cache RV. Written under {@code lock} write lock by the writer thread; read lock-free. */
    private volatile Published published = new Published(OrderedStore.empty(), 0);
    /** RV of the last replace; 0 before the first. @GuardedBy("lock") for writes. */
    private volatile long listResourceVersion;
    /** When the last event was applied ({@link #lastEventAt}); null before the first. Written by the writer thread. */
    private volatile Instant lastEventAt;

    // @GuardedBy("freshnessWaiters"): futures waiting for the cache RV to reach their key
    private final PriorityQueue<Waiter> freshnessWaiters = new PriorityQueue<>();

    private record Waiter(long resourceVersion, CompletableFuture<Long> future) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            return Long.compareUnsigned(resourceVersion, o.resourceVersion);
        }
    }

    public WatchCache(InstantSource clock, Config config) {
        this.clock = Objects.requireNonNull(clock);
        this.config = Objects.requireNonNull(config);
        this.window = new EventWindow(clock, config.eventFreshDuration(), config.windowLowerBound(),
                config.windowUpperBound());
        this.snapshots = new Snapshotter(clock, config.maxSnapshots(), config.maxSnapshotAge());
        this.ready = new Ready(clock);
    }

    public WatchCache(InstantSource clock) {
        this(clock, Config.defaults());
    }

    // ---- writer side (ReflectorStore) ---------------------------------------------------------------------

    /**
     * {@code Replace}. On an empty (never listed) cache it just initializes. On a populated one (a relist after an
     * upstream 410: compaction, or an apiserver restart with a new watch cache) it turns the difference into
     * ordinary events, so that neither open watchers nor watchers resuming later have to relist (the apiserver
     * cannot do this: it terminates its watchers) — issue 16:
     * <ul>
     *   <li>ADDED / MODIFIED (DELETED + ADDED when the UID changed: deleted and re-created) carry the listed
     *       object at <em>its own</em> RV (the upstream revision at which it
     *       reached that state: a real RV, above the cache RV before the relist, so the client's next update
     *       carries the right RV and no write is answered 409 for our sake); DELETED carries the previous state
     *       at the list RV (the deletion's exact revision is unknown; it is at or below the list RV). Events are
     *       ordered by RV (then key), so the sequence only moves forward.</li>
     *   <li>The history is <em>kept</em> and the difference appended to it: a watcher resuming from an RV of
     *       the old window gets the old events after it, then the difference — the state it ends in is the
     *       listed one. Only when the list is older than the cache (an upstream rolled back) does history
     *       restart at the list RV, as before (then resuming from an older RV is a 410 → upstream).</li>
     *   <li>One limit, documented rather than hidden: several DELETEDs share the list RV, so a client that
     *       disconnects between two of them and resumes from that RV misses the rest of them (it would
     *       have to relist to notice). They are dispatched in one burst, so the window for that is the time
     *       to write them.</li>
     * </ul>
     * Snapshots are reset to the new state (states between the old cache RV and the list RV are unknown, so an
     * Exact read in between must go upstream); the cache becomes Ready.
     *
     * <p>Bad input: objects with duplicate keys keep the last one (as {@link OrderedStore#of}); RVs are taken as
     * given.
     */
    @Override
    public void replace(List<CachedObject> objects, long resourceVersion) {
        OrderedStore next = OrderedStore.of(objects);
        Published prev = published;
        boolean populated = listResourceVersion != 0;
        // Keep the history when the list is not older than what the cache already reflects (always, unless
        // the upstream went back in time): the difference then continues it in RV order.
        boolean keepHistory = populated && Long.compareUnsigned(resourceVersion, prev.resourceVersion()) >= 0;
        Instant now = clock.instant();
        List<WatchEvent> diff = populated
                ? diff(prev.store(), next, keepHistory ? prev.resourceVersion() : resourceVersion, resourceVersion, now)
                : List.of();
        lock.writeLock().lock();
        try {
            if (keepHistory) {
                for (WatchEvent e : diff) {
                    window.add(e);
                }
            } else {
                window.replaced(resourceVersion);
            }
            long rv = max(prev.resourceVersion(), resourceVersion);
            published = new Published(next, rv);
            listResourceVersion = resourceVersion;
            snapshots.reset();
            snapshots.add(resourceVersion, next);
        } finally {
            lock.writeLock().unlock();
        }
        dispatcher.dispatchRelist(diff);
        dispatcher.resourceVersionAdvanced(resourceVersion);
        completeWaiters(published.resourceVersion());
        ready.setReady();
    }

    /**
     * The events that take {@code old} to {@code next}, in RV order then key order. ADDED / MODIFIED are at the
     * object's own RV when it lies in ({@code after}, {@code listRv}] (always, for a faithful upstream), else at
     * {@code listRv}; DELETED at {@code listRv}. See {@link #replace}.
     */
    static List<WatchEvent> diff(OrderedStore old, OrderedStore next, long after, long listRv, Instant now) {
        List<WatchEvent> out = new ArrayList<>();
        Map<String, CachedObject> seen = new HashMap<>();
        for (Map.Entry<String, CachedObject> e : next.entries()) {
            seen.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, CachedObject> e : old.entries()) {
            CachedObject n = seen.remove(e.getKey());
            if (n == null) {
                out.add(new WatchEvent(EventType.DELETED, e.getValue(), e.getValue(), listRv, now));
            } else if (n.resourceVersion() != e.getValue().resourceVersion()) {
                long at = ownRv(n, after, listRv);
                if (!n.uid().isEmpty() && !n.uid().equals(e.getValue().uid())) {
                    // Deleted and re-created meanwhile (another UID): DELETED then ADDED, as the apiserver's
                    // watchers saw it, never a MODIFIED that changes an object's identity. Both at the new
                    // object's RV (the deletion's own is unknown and lies before it); the stable sort keeps them
                    // in this order.
                    out.add(new WatchEvent(EventType.DELETED, e.getValue(), e.getValue(), at, now));
                    out.add(new WatchEvent(EventType.ADDED, n, null, at, now));
                } else {
                    out.add(new WatchEvent(EventType.MODIFIED, n, e.getValue(), at, now));
                }
            }
        }
        for (Map.Entry<String, CachedObject> e : next.entries()) {
            if (seen.containsKey(e.getKey())) {
                out.add(new WatchEvent(EventType.ADDED, e.getValue(), null, ownRv(e.getValue(), after, listRv), now));
            }
        }
        out.sort((a, b) -> {
            int c = Long.compareUnsigned(a.resourceVersion(), b.resourceVersion());
            return c != 0 ? c : OrderedStore.keyOf(a.object()).compareTo(OrderedStore.keyOf(b.object()));
        });
        return out;
    }

    private static long ownRv(CachedObject o, long after, long listRv) {
        long rv = o.resourceVersion();
        return Long.compareUnsigned(rv, after) > 0 && Long.compareUnsigned(rv, listRv) <= 0 ? rv : listRv;
    }

    @Override
    public void add(CachedObject object) {
        processEvent(EventType.ADDED, object);
    }

    @Override
    public void update(CachedObject object) {
        processEvent(EventType.MODIFIED, object);
    }

    @Override
    public void delete(CachedObject object) {
        processEvent(EventType.DELETED, object);
    }

    /** {@code processEvent}: commit under the write lock, then dispatch outside it. */
    private void processEvent(EventType type, CachedObject object) {
        String key = OrderedStore.keyOf(object);
        long rv = object.resourceVersion();
        Published prev = published; // only this thread writes it
        CachedObject previous = prev.store().get(key).orElse(null);
        WatchEvent event = new WatchEvent(type, object, previous, rv, clock.instant());
        OrderedStore next = type == EventType.DELETED ? prev.store().remove(key) : prev.store().put(object);
        lock.writeLock().lock();
        try {
            window.add(event);
            long cacheRv = max(prev.resourceVersion(), rv);
            published = new Published(next, cacheRv);
            long oldest = window.oldestResourceVersionIfFull();
            if (oldest != 0) {
                snapshots.removeLess(oldest);
            }
            snapshots.add(cacheRv, next);
        } finally {
            lock.writeLock().unlock();
        }
        lastEventAt = event.recordTime();
        dispatcher.dispatch(event);
        completeWaiters(published.resourceVersion());
    }

    /**
     * When the writer last applied an event from the feed (ADDED, MODIFIED or DELETED), by this cache's clock; empty
     * before the first. Bookmarks and relists ({@link #replace}) do not count. Safe from any thread.
     */
    public Optional<Instant> lastEventAt() {
        return Optional.ofNullable(lastEventAt);
    }

    /** {@code UpdateResourceVersion}: a storage bookmark; advances the RV (never backwards), no event. */
    @Override
    public void updateResourceVersion(long resourceVersion) {
        lock.writeLock().lock();
        try {
            Published p = published;
            if (Long.compareUnsigned(resourceVersion, p.resourceVersion()) > 0) {
                published = new Published(p.store(), resourceVersion);
            }
        } finally {
            lock.writeLock().unlock();
        }
        dispatcher.resourceVersionAdvanced(resourceVersion);
        completeWaiters(published.resourceVersion());
    }

    /** {@code Compact(rev)}: drops snapshots older than the upstream's compaction revision. Safe from any thread. */
    public void compact(long compactedRevision) {
        snapshots.removeLess(compactedRevision);
    }

    /** The RV of the oldest snapshot held, or empty (the compactor's probe point). Safe from any thread. */
    public Optional<Long> oldestSnapshot() {
        return snapshots.oldestResourceVersion();
    }

    /** Stops the cache: readiness Stopped, every watcher's stream ended. */
    public void stop() {
        ready.stop();
        dispatcher.terminateAll();
        List<Waiter> ws;
        synchronized (freshnessWaiters) {
            ws = new ArrayList<>(freshnessWaiters);
            freshnessWaiters.clear();
        }
        ws.forEach(w -> w.future().completeExceptionally(new Ready.StoppedException()));
    }

    // ---- readers ------------------------------------------------------------------------------------------

    public Ready ready() {
        return ready;
    }

    /** The store and RV as of now (lock-free). */
    public Published current() {
        return published;
    }

    /** Whether a snapshot at or below {@code resourceVersion} is held ({@code snapshots.GetLessOrEqual}). */
    public boolean hasSnapshotAtOrBelow(long resourceVersion) {
        return snapshots.getLessOrEqual(resourceVersion).isPresent();
    }

    /** The cache RV. */
    public long resourceVersion() {
        return published.resourceVersion();
    }

    /** RV of the last relist (0 = never listed). */
    public long listResourceVersion() {
        return listResourceVersion;
    }

    /**
     * Completes (with the cache RV) once the cache RV is at least {@code resourceVersion}; immediately if it
     * already is. The caller bounds the wait ({@code orTimeout(3, SECONDS)}) and then answers with
     * {@link #tooLargeResourceVersion(long)}. Completed on the writer thread: don't run blocking work in
     * dependent stages.
     */
    public CompletableFuture<Long> whenFresh(long resourceVersion) {
        long now = resourceVersion();
        if (Long.compareUnsigned(now, resourceVersion) >= 0) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        synchronized (freshnessWaiters) {
            freshnessWaiters.add(new Waiter(resourceVersion, f));
        }
        completeWaiters(resourceVersion()); // the writer may have advanced in between
        return f;
    }

    /** The 504 the cacher answers when the cache does not reach an RV within its 3 s block timeout. */
    public ApiStatus tooLargeResourceVersion(long resourceVersion) {
        return ApiStatus.tooLargeResourceVersion(resourceVersion, resourceVersion(), 1);
    }

    private void completeWaiters(long rv) {
        List<Waiter> done = null;
        synchronized (freshnessWaiters) {
            while (!freshnessWaiters.isEmpty()
                    && Long.compareUnsigned(freshnessWaiters.peek().resourceVersion(), rv) <= 0) {
                if (done == null) {
                    done = new ArrayList<>();
                }
                done.add(freshnessWaiters.poll());
            }
        }
        if (done != null) {
            done.forEach(w -> w.future().complete(rv));
        }
    }

    /**
     * {@code GetList} without waiting, for the page the plan asked for: 504 {@code Too large resource version}
     * if the cache has not reached {@code req.resourceVersion()} (the caller waits with {@link #whenFresh}
     * first); then the snapshot (410 {@code too old resource version: N} if none ≤ N is held any more — the
     * caller then goes upstream, where etcd answers exactly) or current state; 429 {@code storage is
     * (re)initializing} while not Ready.
     */
    public Result<ListResult> list(ListRequest req) {
        if (ready.state() != Ready.State.READY) {
            return Result.err(ready.unreadyStatus());
        }
        long required = req.resourceVersion();
        Published p = published;
        if (Long.compareUnsigned(p.resourceVersion(), required) < 0) {
            return Result.err(ApiStatus.tooLargeResourceVersion(required, p.resourceVersion(), 1));
        }
        long limit = Math.max(req.limit(), 0);
        String start = req.startKey() == null ? "" : req.startKey();
        if (req.snapshot()) {
            Optional<OrderedStore> snap = snapshots.getLessOrEqual(required);
            if (snap.isEmpty()) {
                return Result.err(ApiStatus.resourceExpired("too old resource version: " + Long.toUnsignedString(required)));
            }
            return Result.ok(new ListResult(snap.get().listPrefix(req.prefix(), start, limit, req.predicate()), required, true));
        }
        return Result.ok(new ListResult(p.store().listPrefix(req.prefix(), start, limit, req.predicate()),
                p.resourceVersion(), false));
    }

    /**
     * {@code WaitUntilFreshAndGet} without waiting: the object at {@code key} in current state (an older
     * {@code minResourceVersion} still returns the current object); 504 if the cache is behind it.
     */
    public Result<GetResult> get(String key, long minResourceVersion) {
        if (ready.state() != Ready.State.READY) {
            return Result.err(ready.unreadyStatus());
        }
        Published p = published;
        if (Long.compareUnsigned(p.resourceVersion(), minResourceVersion) < 0) {
            return Result.err(ApiStatus.tooLargeResourceVersion(minResourceVersion, p.resourceVersion(), 1));
        }
        return Result.ok(new GetResult(p.store().get(key), p.resourceVersion()));
    }

    /** The history after {@code resourceVersion}, or 410 {@code too old resource version: N (M)}. */
    public Result<List<WatchEvent>> eventsSince(long resourceVersion) {
        return window.eventsSince(resourceVersion);
    }

    /**
     * Starts a watch ({@code Cacher.Watch} + {@code getAllEventsSinceLocked}). The start point:
     * {@code sendInitialEvents=true}, or RV 0 with it unset → the current state (then, with bookmarks and
     * sendInitialEvents=true, the initial-events-end bookmark at the cache RV); RV 0 with
     * {@code sendInitialEvents=false} → from now; RV N → history after N. Errors are returned, not sent: 410
     * {@code too old resource version: N (M)} (the proxy writes it as a 200 + ERROR event), 429 if the cache is
     * not Ready. For sendInitialEvents the caller first waits with {@link #whenFresh} for the required RV.
     *
     * <p>The watcher is registered with the dispatcher under the read lock, so no committed event can fall
     * between its initial events and its live events; live events at or below the start RV are dropped.
     */
    public Result<CacheWatcher> watch(WatchRequest req, WatchSink sink) {
        if (ready.state() != Ready.State.READY) {
            return Result.err(ready.unreadyStatus());
        }
        boolean initialFromState = req.initialEventsFromState();
        boolean watchList = Boolean.TRUE.equals(req.sendInitialEvents()) && req.allowBookmarks();
        CacheWatcher w;
        lock.readLock().lock();
        try {
            Published p = published;
            Iterator<WatchSink.Event> initial;
            long floor;
            long registered = p.resourceVersion();
            if (initialFromState) {
                initial = CacheWatcher.stateEvents(p.store(), req.prefix(), req.predicate());
                floor = p.resourceVersion();
            } else {
                long since = req.resourceVersion() == 0 ? p.resourceVersion() : req.resourceVersion();
                Result<List<WatchEvent>> history = window.eventsSince(since);
                if (!history.isOk()) {
                    return Result.err(history.error());
                }
                floor = since;
                registered = max(registered, since); // an RV ahead of the cache: silent until reached
                List<WatchSink.Event> converted = new ArrayList<>();
                for (WatchEvent e : history.value()) {
                    WatchSink.Event c = CacheWatcher.convert(e, OrderedStore.keyOf(e.object()), req.prefix(),
                            req.predicate());
                    if (c != null) {
                        converted.add(c);
                    }
                    floor = max(floor, e.resourceVersion());
                }
                initial = converted.iterator();
            }
            w = newWatcher(req, sink, watchList, registered, floor, initial);
            if (watchList) {
                w.addInitialEventsEndBookmark(p.resourceVersion());
            }
            dispatcher.register(w);
        } finally {
            lock.readLock().unlock();
        }
        w.pump();
        return Result.ok(w);
    }

    private CacheWatcher newWatcher(WatchRequest req, WatchSink sink, boolean watchList, long registeredRv, long floor,
                                    Iterator<WatchSink.Event> initial) {
        return new CacheWatcher(watcherIds.incrementAndGet(), req.prefix(), req.predicate(), sink, clock,
                config.watcherQueueCapacity(), config.blockedWatcherBudget(), config.bookmarkFrequency(),
                req.deadline(), req.allowBookmarks(), watchList, registeredRv, floor, initial, dispatcher::remove);
    }

    /** Bookmarks, watch deadlines and slow-watcher budgets; call about once a second (Go's bookmark timer). */
    public void tick() {
        dispatcher.tick();
    }

    /** The registered watchers (a copy). */
    public List<CacheWatcher> watchers() {
        return dispatcher.watchers();
    }

    /** Snapshot count (for tests and metrics). */
    public int snapshotCount() {
        return snapshots.size();
    }

    /** The history window (for tests and metrics). */
    EventWindow window() {
        return window;
    }

    Snapshotter snapshots() {
        return snapshots;
    }

    private static long max(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }
}
