package dev.breakwater.cache.watch;

import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The watch history of one resource: the cyclic event buffer of {@code watchCache} in
 * {@code k8s.io/apiserver/pkg/storage/cacher/watch_cache.go} ({@code cache}, {@code startIndex},
 * {@code endIndex}, {@code updateCache}, {@code resizeCacheLocked}, {@code getAllEventsSinceLocked}).
 *
 * <p>Capacity: starts at 100 ({@code defaultLowerBoundCapacity}); when the buffer is full and its oldest event is
 * younger than {@code eventFreshDuration} (75 s by default: bookmark frequency + 15 s) it doubles, up to
 * {@link #capacityUpperBound(Duration)} (100 Ki, scaled up for longer windows); when full and the newest quarter
 * is older than the window it halves. So the window keeps at least ~75 s of history unless the upper bound is
 * hit.
 *
 * <p>Resuming: {@link #eventsSince(long)} returns the events with RV greater than the given one, or 410
 * {@code too old resource version: N (M)} when N is older than the history (M = oldest deliverable − 1; after a
 * relist with nothing evicted the oldest deliverable is listRV+1, as in Go). RV 0 (start from the store's state)
 * is the caller's business: this class only holds history.
 *
 * <p>Concurrency: one writer (the upstream feed) calls {@link #add} and {@link #replaced}; many readers call
 * {@link #eventsSince}. A read-write lock guards all fields below; readers get a copied list, so they never see
 * a later eviction. The clock is injected.
 */
public final class EventWindow {
    /** {@code defaultLowerBoundCapacity}. */
    public static final int LOWER_BOUND_CAPACITY = 100;
    /** {@code defaultUpperBoundCapacity}. */
    public static final int UPPER_BOUND_CAPACITY = 100 * 1024;
    /** {@code DefaultEventFreshDuration}: 60 s bookmark frequency + 15 s. */
    public static final Duration DEFAULT_EVENT_FRESH_DURATION = Duration.ofSeconds(75);

    private final InstantSource clock;
    private final Duration eventFreshDuration;
    private final int lowerBoundCapacity;
    private final int upperBoundCapacity;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Guarded by lock. The live events are cache[i % capacity] for startIndex <= i < endIndex.
    private WatchEvent[] cache;
    private int capacity;
    private long startIndex;
    private long endIndex;
    /** Whether an event was evicted since the last {@link #replaced}; guarded by lock. */
    private boolean removedEventSinceRelist;
    /** RV of the last relist (0 = never); guarded by lock. */
    private long listResourceVersion;

    public EventWindow(InstantSource clock) {
        this(clock, DEFAULT_EVENT_FRESH_DURATION, LOWER_BOUND_CAPACITY, capacityUpperBound(DEFAULT_EVENT_FRESH_DURATION));
    }

    /** For tests and tuning: explicit bounds (lower ≥ 4 so that the "newest quarter" is defined). */
    public EventWindow(InstantSource clock, Duration eventFreshDuration, int lowerBoundCapacity, int upperBoundCapacity) {
        if (lowerBoundCapacity < 4 || upperBoundCapacity < lowerBoundCapacity) {
            throw new IllegalArgumentException("bad capacity bounds " + lowerBoundCapacity + ".." + upperBoundCapacity);
        }
        this.clock = clock;
        this.eventFreshDuration = eventFreshDuration;
        this.lowerBoundCapacity = lowerBoundCapacity;
        this.upperBoundCapacity = upperBoundCapacity;
        this.capacity = lowerBoundCapacity;
        this.cache = new WatchEvent[lowerBoundCapacity];
    }

    /** Mirrors {@code capacityUpperBound}: 100 Ki, doubled per doubling of the window beyond 75 s (capped). */
    public static int capacityUpperBound(Duration eventFreshDuration) {
        if (eventFreshDuration.compareTo(DEFAULT_EVENT_FRESH_DURATION) <= 0) {
            return UPPER_BOUND_CAPACITY;
        }
        double ratio = eventFreshDuration.toNanos() / (double) DEFAULT_EVENT_FRESH_DURATION.toNanos();
        int exponent = (int) Math.ceil(Math.log(ratio) / Math.log(2));
        int maxExponent = (int) Math.floor(Math.log((double) Integer.MAX_VALUE / UPPER_BOUND_CAPACITY) / Math.log(2));
        return UPPER_BOUND_CAPACITY << Math.min(exponent, maxExponent);
    }

    /** Records the time of a new event from the injected clock. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Appends an event. Mirrors {@code updateCache}. RVs must not decrease; they may repeat (the DELETEDs of a
     * relist's difference share the list RV, see {@code WatchCache.replace}): {@link #eventsSince} returns the
     * events strictly after an RV either way.
     */
    public void add(WatchEvent event) {
        lock.writeLock().lock();
        try {
            resizeLocked(event.recordTime());
            if (isFullLocked()) {
                startIndex++;
                removedEventSinceRelist = true;
            }
            cache[(int) (endIndex % capacity)] = event;
            endIndex++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** After a relist at {@code listResourceVersion}: history restarts (mirrors the buffer part of {@code Replace}). */
    public void replaced(long listResourceVersion) {
        lock.writeLock().lock();
        try {
            for (long i = startIndex; i < endIndex; i++) {
                cache[(int) (i % capacity)] = null; // let evicted objects be collected
            }
            startIndex = endIndex;
            removedEventSinceRelist = false;
            this.listResourceVersion = listResourceVersion;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean isFullLocked() {
        return endIndex == startIndex + capacity;
    }

    private void resizeLocked(Instant eventTime) {
        if (isFullLocked()
                && Duration.between(cache[(int) (startIndex % capacity)].recordTime(), eventTime).compareTo(eventFreshDuration) < 0) {
            int c = Math.min(capacity * 2, upperBoundCapacity);
            if (c > capacity) {
                doResizeLocked(c);
            }
            return;
        }
        if (isFullLocked()
                && Duration.between(cache[(int) ((endIndex - capacity / 4) % capacity)].recordTime(), eventTime).compareTo(eventFreshDuration) > 0) {
            int c = Math.max(capacity / 2, lowerBoundCapacity);
            if (c < capacity) {
                doResizeLocked(c);
            }
        }
    }

    private void doResizeLocked(int newCapacity) {
        WatchEvent[] n = new WatchEvent[newCapacity];
        if (newCapacity < capacity) {
            startIndex = endIndex - newCapacity;
        }
        for (long i = startIndex; i < endIndex; i++) {
            n[(int) (i % newCapacity)] = cache[(int) (i % capacity)];
        }
        cache = n;
        capacity = newCapacity;
    }

    /**
     * Events with RV greater than {@code resourceVersion} (> 0), oldest first; mirrors the history part of
     * {@code getAllEventsSinceLocked}. Errors: 410 {@code too old resource version: N (M)}; 500 if the window has
     * neither a relist RV nor events ({@code watch cache isn't correctly initialized}).
     */
    public Result<List<WatchEvent>> eventsSince(long resourceVersion) {
        lock.readLock().lock();
        try {
            int size = (int) (endIndex - startIndex);
            long oldest;
            if (listResourceVersion != 0 && !removedEventSinceRelist) {
                oldest = listResourceVersion + 1;
            } else if (size > 0) {
                oldest = cache[(int) (startIndex % capacity)].resourceVersion();
            } else {
                return Result.err(ApiStatus.internalError("watch cache isn't correctly initialized"));
            }
            if (Long.compareUnsigned(resourceVersion, oldest - 1) < 0) {
                return Result.err(ApiStatus.watchCacheTooOld(resourceVersion, oldest - 1));
            }
            // Binary search the first event with RV > resourceVersion (sort.Search).
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(cache[(int) ((startIndex + mid) % capacity)].resourceVersion(), resourceVersion) > 0) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            List<WatchEvent> out = new ArrayList<>(size - lo);
            for (long i = startIndex + lo; i < endIndex; i++) {
                out.add(cache[(int) (i % capacity)]);
            }
            return Result.ok(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Whether the buffer is full, and if so the RV of its oldest event (else 0): the watch cache drops snapshots
     * older than that ({@code processEvent}: {@code if w.isCacheFullLocked() { w.snapshots.RemoveLess(oldestRV) }}).
     */
    public long oldestResourceVersionIfFull() {
        lock.readLock().lock();
        try {
            return isFullLocked() ? cache[(int) (startIndex % capacity)].resourceVersion() : 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Current buffer capacity (for tests and metrics). */
    public int capacity() {
        lock.readLock().lock();
        try {
            return capacity;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of events currently held. */
    public int size() {
        lock.readLock().lock();
        try {
            return (int) (endIndex - startIndex);
        } finally {
            lock.readLock().unlock();
        }
    }
}
