package dev.breakwater.cache;

import dev.breakwater.cache.admission.WatcherBudget;
import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.store.OrderedStore;
import dev.breakwater.cache.watch.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One client watch served from the cache: {@code cacheWatcher} in
 * {@code k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go}.
 *
 * <h2>What it sends</h2>
 * First the <em>initial events</em> ({@code processInterval}): either the state (every object under the prefix
 * that matches, as ADDED, in key order — read lazily from an immutable store, never copied) or the history since
 * the requested RV; then, for a watch-list request with bookmarks, one BOOKMARK at the cache RV flagged as
 * initial-events-end. Then live events ({@code process}) with RV greater than the cache RV at registration.
 * Each event is converted as {@code convertToWatchEvent}: the current object matches and the previous did not →
 * ADDED; both → MODIFIED; only the previous (including every DELETED) → DELETED carrying the <em>previous</em>
 * object and the event's RV; neither → nothing.
 *
 * <h2>State machine</h2>
 * <pre>
 *  INITIAL ──initial events + end bookmark written──▶ STREAMING
 *     │                                                  │
 *     └── stop / deadline / blocked without progress past budget ┴──▶ STOPPED
 * </pre>
 * Bookmark bookkeeping mirrors Go's {@code cacheWatcherWaitingForBookmark → BookmarkReceived → BookmarkSent}
 * reduced to one flag: {@code bookmarkSent} starts false only for watch-list requests and turns true with the
 * initial-events-end bookmark; a periodic bookmark is delivered iff its RV is above the watcher's RV floor, or
 * equal while {@code bookmarkSent} is false (Go's condition in {@code process}).
 *
 * <h2>Bookmarks schedule</h2>
 * {@code nextBookmarkTime}: every {@code bookmarkFrequency} (60 s), but no later than 2 s before the deadline,
 * none once that time has passed; watch-list watchers are due at the first tick (Go schedules them
 * "immediately" until the bookmark RV is seen — the apiserver's 60.9 s / 120.9 s cadence). Driven by
 * {@link Dispatcher#tick()} with the injected clock; no threads of its own.
 *
 * <h2>Back-pressure and slow clients</h2>
 * The queue holds converted events; the producer never blocks ({@link #offer}). The watcher is <em>blocked</em>
 * when its queue holds {@code capacity} events, or when the bytes it holds — its queued events' encoded sizes plus
 * its sink's {@linkplain WatchSink#bufferedBytes() unwritten bytes} — are over its sink's {@link WatcherBudget}
 * ({@code --max-watch-queue-bytes}, and a small floor while the global {@code --max-inflight-bytes} is used up).
 * A blocked watcher still accepts the event (up to twice the capacity, or twice the byte budget) and the time is
 * noted; if it makes no progress (no event moved to the sink) for longer than {@code blockedBudget} (Go's
 * {@code dispatchTimeoutBudget}, at most 100 ms — Go's {@code add} waits that long for the watcher to take one
 * event) or a hard cap is reached (all raised by the events of a relist's difference still queued:
 * {@link #offer(WatchEvent, String, boolean)}), the watcher is stopped and its stream
 * {@linkplain WatchSink#end() ended without an ERROR}, as the apiserver terminates unresponsive watchers
 * ({@link WatchSink#terminatedAsUnresponsive()} is told first, for the metric). {@link #tick} applies the byte
 * rule too, so a watcher that keeps bytes while no event arrives is closed as well. The queue is moved to the sink
 * while {@link WatchSink#writeQueueFull()} is false; when the sink is full the watcher waits for its drain
 * callback. The queue holds references to the cache's objects, never copies.
 *
 * <h2>Concurrency</h2>
 * Producer side ({@link #offer}, {@link #tick}, {@link #stop}): any thread, normally the cache's writer thread or
 * the ticker. The fields marked {@code @GuardedBy("this")} are guarded by the monitor, held only for queue
 * operations. Writing to the sink happens outside the monitor in {@link #pump()}, serialized by a
 * work-in-progress counter ({@code wip}): exactly one thread drains at a time, others just signal it, so sink
 * calls are never concurrent and never under a lock.
 */
public final class CacheWatcher {

    /** Lifecycle. */
    public enum State { INITIAL, STREAMING, STOPPED }

    private final long id;
    private final String prefix;
    private final SelectionPredicate predicate;
    private final WatchSink sink;
    private final InstantSource clock;
    private final int capacity;
    private final Duration blockedBudget;
    private final Duration bookmarkFrequency;
    private final Instant deadline; // null = none
    private final boolean allowBookmarks;
    /** Live events with RV at or below this were already covered by the initial events. Immutable. */
    private final long registeredResourceVersion;
    private final Consumer<CacheWatcher> forget;
    /** The sink's byte budget, read once. */
    private final WatcherBudget budget;

    // @GuardedBy("this")
    private State state = State.INITIAL;
    // @GuardedBy("this"): initial events, consumed before the queue; null once done
    private Iterator<WatchSink.Event> initial;
    // @GuardedBy("this")
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    // @GuardedBy("this"): the sum of the queued entries' bytes
    private long queuedBytes;
    // @GuardedBy("this"): when the watcher was first seen blocked since its last progress, null if it is not
    private Instant fullSince;
    // @GuardedBy("this"): Go's resourceVersion in process(): bookmarks must be above it (or equal, see class doc)
    private long bookmarkFloor;
    // @GuardedBy("this")
    private boolean bookmarkSent;
    // @GuardedBy("this"): null = no more bookmarks
    private Instant nextBookmarkAt;
    // @GuardedBy("this"): queue slots granted to a relist's difference still queued (see offer(…, relist))
    private int relistAllowance;
    // @GuardedBy("this"): set when stopped and the sink still has to be ended by the pump
    private boolean endPending;

    private final AtomicInteger wip = new AtomicInteger();

    CacheWatcher(long id, String prefix, SelectionPredicate predicate, WatchSink sink, InstantSource clock,
                 int capacity, Duration blockedBudget, Duration bookmarkFrequency, Instant deadline,
                 boolean allowBookmarks, boolean watchList, long registeredResourceVersion, long bookmarkFloor,
                 Iterator<WatchSink.Event> initial, Consumer<CacheWatcher> forget) {
        this.id = id;
        this.prefix = prefix;
        this.predicate = predicate;
        this.sink = sink;
        this.clock = clock;
        this.capacity = capacity;
        this.blockedBudget = blockedBudget;
        this.bookmarkFrequency = bookmarkFrequency;
        this.deadline = deadline;
        this.allowBookmarks = allowBookmarks;
        this.registeredResourceVersion = registeredResourceVersion;
        this.bookmarkFloor = bookmarkFloor;
        this.bookmarkSent = !watchList;
        this.initial = initial;
        this.forget = forget;
        this.budget = sink.budget();
        Instant now = clock.instant();
        this.nextBookmarkAt = !allowBookmarks ? null : watchList ? now : nextBookmarkTime(now);
    }

    /** The initial events for a state-based start: matching objects under the prefix as ADDED, in key order. */
    static Iterator<WatchSink.Event> stateEvents(OrderedStore store, String prefix, SelectionPredicate predicate) {
        Iterator<CachedObject> it = store.listPrefix(prefix).iterator();
        return new Iterator<>() {
            private WatchSink.Event next = advance();

            private WatchSink.Event advance() {
                while (it.hasNext()) {
                    CachedObject o = it.next();
                    if (predicate.matches(o)) {
                        return new WatchSink.Event(EventType.ADDED, o, o.resourceVersion(), false);
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public WatchSink.Event next() {
                WatchSink.Event e = next;
                next = advance();
                return e;
            }
        };
    }

    /** A unique id within its cache. */
    public long id() {
        return id;
    }

    public synchronized State state() {
        return state;
    }

    /** Number of queued live events (for tests and metrics). */
    public synchronized int queued() {
        return queue.size();
    }

    /** The estimated encoded bytes of the queued events (for tests and metrics). */
    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** A queued event and the bytes it counts for (0: exempt, a relist's difference). */
    private record Queued(WatchSink.Event event, long bytes) {}

    /** An event's encoded size, estimated: the object's bytes plus the event envelope. */
    static long sizeOf(WatchSink.Event e) {
        return e.object() == null ? 128 : e.object().jsonLength() + 64L;
    }

    /** Whether the watcher is blocked (see the class doc); {@code sinkBytes} read outside the lock. */
    private boolean blockedLocked(long sinkBytes) {
        return queue.size() >= capacity + relistAllowance || budget.blocked(queuedBytes + sinkBytes);
    }

    /** {@code convertToWatchEvent} for a live event; null if this watcher is not interested. */
    WatchSink.Event convert(WatchEvent event, String key) {
        return convert(event, key, prefix, predicate);
    }

    /** {@code convertToWatchEvent} for a watcher with this prefix and predicate; {@code key} is the event's key. */
    static WatchSink.Event convert(WatchEvent event, String key, String prefix, SelectionPredicate predicate) {
        if (!key.startsWith(prefix)) {
            return null;
        }
        boolean cur = event.type() != EventType.DELETED && predicate.matches(event.object());
        boolean old = event.prevObject() != null && predicate.matches(event.prevObject());
        if (cur && !old) {
            return new WatchSink.Event(EventType.ADDED, event.object(), event.resourceVersion(), false);
        }
        if (cur) {
            return new WatchSink.Event(EventType.MODIFIED, event.object(), event.resourceVersion(), false);
        }
        if (old) {
            return new WatchSink.Event(EventType.DELETED, event.prevObject(), event.resourceVersion(), false);
        }
        return null;
    }

    /**
     * Offers a live event without blocking (Go's {@code nonblockingAdd}, then {@code add}'s budget). Returns
     * false if the watcher is stopped (now or before). {@code key} is the event's store key (computed once per
     * event by the dispatcher).
     */
    boolean offer(WatchEvent event, String key) {
        return offer(event, key, false);
    }

    /**
     * {@code relist}: an event of a relist's difference ({@code WatchCache.replace}), dispatched in one burst.
     * It is queued whatever the queue holds, and raises this watcher's allowance by one until it is written, so
     * the burst neither counts against the slow-watcher budget nor makes the hard cap close the watch: a large
     * difference must not end every watcher at once (they would all come back together — the storm a relist
     * that keeps watchers open is there to avoid). The events are the difference's own objects (shared, not
     * copied); the allowance returns to zero as they are written.
     */
    boolean offer(WatchEvent event, String key, boolean relist) {
        if (Long.compareUnsigned(event.resourceVersion(), registeredResourceVersion) <= 0) {
            return state() != State.STOPPED; // already covered by the initial events
        }
        WatchSink.Event e = convert(event, key);
        if (e == null) {
            return state() != State.STOPPED;
        }
        long sinkBytes = sink.bufferedBytes();
        boolean stopNow = false;
        synchronized (this) {
            if (state == State.STOPPED) {
                return false;
            }
            long bytes = 0;
            if (relist) {
                relistAllowance++;
            } else {
                bytes = sizeOf(e);
                if (blockedLocked(sinkBytes)) {
                    Instant now = clock.instant();
                    if (fullSince == null) {
                        fullSince = now;
                    }
                    stopNow = queue.size() >= 2 * capacity + relistAllowance
                            || budget.overHardCap(queuedBytes + sinkBytes)
                            || Duration.between(fullSince, now).compareTo(blockedBudget) > 0;
                }
            }
            if (!stopNow) {
                queue.addLast(new Queued(e, bytes));
                queuedBytes += bytes;
            }
        }
        if (stopNow) {
            terminateAsUnresponsive();
            return false;
        }
        pump();
        return true;
    }

    /**
     * Periodic work with the injected clock: ends the watch at its deadline, stops it if its queue stayed full
     * past the budget, and queues a bookmark at {@code resourceVersion} when one is due ({@code nonblockingAdd}:
     * dropped if the queue is full).
     */
    void tick(long resourceVersion) {
        Instant now = clock.instant();
        long sinkBytes = sink.bufferedBytes();
        boolean stopNow = false;
        boolean unresponsive = false;
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            if (fullSince == null && budget.blocked(queuedBytes + sinkBytes)) {
                fullSince = now; // holding bytes while no event arrives (e.g. under memory pressure)
            }
            if (deadline != null && !now.isBefore(deadline)) {
                stopNow = true;
            } else if (fullSince != null && Duration.between(fullSince, now).compareTo(blockedBudget) > 0) {
                stopNow = true;
                unresponsive = true;
            } else if (nextBookmarkAt != null && !now.isBefore(nextBookmarkAt)) {
                nextBookmarkAt = nextBookmarkTime(now);
                if (!blockedLocked(sinkBytes)
                        && Long.compareUnsigned(resourceVersion, registeredResourceVersion) >= 0) {
                    queue.addLast(new Queued(WatchSink.Event.bookmark(resourceVersion, false), 0));
                }
            }
        }
        if (unresponsive) {
            terminateAsUnresponsive();
        } else if (stopNow) {
            stop();
        } else {
            pump();
        }
    }

    /** Go's {@code closeFunc} in {@code add}: the sink is told (metrics), then the watcher stops and its stream ends. */
    private void terminateAsUnresponsive() {
        if (state() != State.STOPPED) {
            sink.terminatedAsUnresponsive();
        }
        stop();
    }

    /** {@code nextBookmarkTime}: now + frequency, capped at deadline − 2 s; null if that is already past. */
    private Instant nextBookmarkTime(Instant now) {
        Instant t = now.plus(bookmarkFrequency);
        if (deadline != null) {
            Instant pre = deadline.minusSeconds(2);
            if (pre.isBefore(t)) {
                t = pre;
            }
        }
        return t.isBefore(now) ? null : t;
    }

    /** Stops the watcher ({@code Stop()} / {@code forget}): queued events are dropped and the stream ended. */
    public void stop() {
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
            queue.clear();
            queuedBytes = 0;
            initial = null;
            endPending = true;
        }
        forget.accept(this);
        pump();
    }

    /** Moves events to the sink while it accepts them; see the class doc for the serialization. */
    void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            drainLoop();
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void drainLoop() {
        while (true) {
            boolean end;
            synchronized (this) {
                end = endPending;
                endPending = false;
            }
            if (end) {
                sink.end();
                return;
            }
            if (sink.writeQueueFull()) {
                sink.drainHandler(this::pump);
                if (sink.writeQueueFull()) {
                    return; // the callback will run pump(); if it already did, wip makes us loop once more
                }
            }
            WatchSink.Event e = pollLocked();
            if (e == null) {
                return;
            }
            sink.write(e);
        }
    }

    private synchronized WatchSink.Event pollLocked() {
        if (state == State.STOPPED) {
            return null;
        }
        if (initial != null) {
            if (initial.hasNext()) {
                fullSince = null; // progress
                return initial.next();
            }
            initial = null;
        }
        if (state == State.INITIAL) {
            state = State.STREAMING;
        }
        while (true) {
            Queued q = queue.pollFirst();
            if (q == null) {
                return null;
            }
            if (relistAllowance > 0) {
                relistAllowance--;
            }
            queuedBytes -= q.bytes();
            fullSince = null; // progress: the watcher took an event (Go's add succeeds within its budget)
            WatchSink.Event e = q.event();
            if (e.type() == EventType.BOOKMARK) {
                long rv = e.resourceVersion();
                int cmp = Long.compareUnsigned(rv, bookmarkFloor);
                if (!allowBookmarks && !e.initialEventsEnd()) {
                    continue;
                }
                if (e.initialEventsEnd() || cmp > 0 || (cmp == 0 && !bookmarkSent)) {
                    bookmarkSent = true;
                    return e;
                }
                continue;
            }
            return e;
        }
    }

    /** Queues the initial-events-end bookmark to follow the initial events (called before registration ends). */
    synchronized void addInitialEventsEndBookmark(long resourceVersion) {
        queue.addFirst(new Queued(WatchSink.Event.bookmark(resourceVersion, true), 0));
    }

    @Override
    public String toString() {
        return "CacheWatcher#" + id + "[prefix=" + prefix + ", " + predicate + "]";
    }
}
