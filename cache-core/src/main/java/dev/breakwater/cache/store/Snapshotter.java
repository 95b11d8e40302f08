package dev.breakwater.cache.store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Store states by resourceVersion, for LISTs at an exact RV and for continue tokens: the counterpart of
 * {@code storeSnapshotter} in {@code k8s.io/apiserver/pkg/storage/cacher/store/store_btree.go}
 * ({@code Add}, {@code GetLessOrEqual}, {@code RemoveLess}, {@code Reset}, {@code Len}).
 *
 * <p>Go keeps the snapshots in a B-tree and leaves a TODO to "rewrite to use a cyclic buffer", since adds always
 * raise the maximum RV and removals only raise the minimum. This is that cyclic buffer: {@link #add} O(1)
 * amortized, {@link #getLessOrEqual} a binary search, {@link #removeLess} O(k) for k removed. A snapshot is an
 * immutable {@link OrderedStore}, so keeping one per event costs only the nodes that event changed (see
 * {@link OrderedStore} on structure sharing).
 *
 * <p>Retention: the watch cache calls {@link #removeLess} with the oldest RV of its event window once the window
 * is full (Go's rule, so snapshots never outlive the watch history) and {@link #reset} on relist. On top of that
 * this class enforces a configurable maximum count and age (measured with the injected clock from
 * {@link #add}); the newest snapshot is never dropped by count/age.
 *
 * <p>Concurrency: one writer (the watch cache's writer thread) calls {@link #add}, {@link #removeLess},
 * {@link #reset}; any thread may call {@link #getLessOrEqual} and {@link #size}. A read-write lock guards the
 * buffer; no method calls out while holding it.
 */
public final class Snapshotter {
    private static final int INITIAL_CAPACITY = 16;

    private final InstantSource clock;
    private final int maxCount;
    private final Duration maxAge;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // @GuardedBy("lock"): live entries are at [head, head+size) modulo the array length; RVs strictly increase.
    private long[] rvs = new long[INITIAL_CAPACITY];
    private OrderedStore[] stores = new OrderedStore[INITIAL_CAPACITY];
    private Instant[] times = new Instant[INITIAL_CAPACITY];
    private int head;
    private int size;

    /**
     * @param clock    for age-based retention
     * @param maxCount at most this many snapshots are kept (the oldest go first); at least 1
     * @param maxAge   snapshots older than this are dropped on the next {@link #add} (except the newest)
     */
    public Snapshotter(InstantSource clock, int maxCount, Duration maxAge) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1: " + maxCount);
        }
        this.clock = clock;
        this.maxCount = maxCount;
        this.maxAge = maxAge;
    }

    /**
     * {@code Add(rv, indexer)}: records the store state at {@code resourceVersion}. An RV equal to the newest
     * replaces it ({@code ReplaceOrInsert}); an older RV is ignored (RVs never go backwards).
     */
    public void add(long resourceVersion, OrderedStore snapshot) {
        Instant now = clock.instant();
        lock.writeLock().lock();
        try {
            if (size > 0) {
                int last = index(size - 1);
                int cmp = Long.compareUnsigned(resourceVersion, rvs[last]);
                if (cmp < 0) {
                    return;
                }
                if (cmp == 0) {
                    stores[last] = snapshot;
                    times[last] = now;
                    return;
                }
            }
            if (size == rvs.length) {
                growLocked();
            }
            int at = index(size);
            rvs[at] = resourceVersion;
            stores[at] = snapshot;
            times[at] = now;
            size++;
            while (size > maxCount || (size > 1 && Duration.between(times[head], now).compareTo(maxAge) > 0)) {
                removeFirstLocked();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** {@code GetLessOrEqual(rv)}: the snapshot with the greatest RV {@code <= resourceVersion}, if any. */
    public Optional<OrderedStore> getLessOrEqual(long resourceVersion) {
        lock.readLock().lock();
        try {
            int lo = 0;
            int hi = size; // first position with rv > resourceVersion
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(rvs[index(mid)], resourceVersion) > 0) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo == 0 ? Optional.empty() : Optional.of(stores[index(lo - 1)]);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** {@code RemoveLess(rv)}: drops every snapshot with RV {@code < resourceVersion}. */
    public void removeLess(long resourceVersion) {
        lock.writeLock().lock();
        try {
            while (size > 0 && Long.compareUnsigned(rvs[head], resourceVersion) < 0) {
                removeFirstLocked();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** {@code Reset()}: drops all snapshots. */
    public void reset() {
        lock.writeLock().lock();
        try {
            while (size > 0) {
                removeFirstLocked();
            }
            head = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** {@code Len()}. */
    public int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The RV of the oldest snapshot, or empty. */
    public Optional<Long> oldestResourceVersion() {
        lock.readLock().lock();
        try {
            return size == 0 ? Optional.empty() : Optional.of(rvs[head]);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The held snapshots oldest first (for validators and tests). */
    java.util.List<OrderedStore> snapshotsForTest() {
        lock.readLock().lock();
        try {
            java.util.List<OrderedStore> out = new java.util.ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(stores[index(i)]);
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The held RVs oldest first (for validators and tests). */
    long[] resourceVersionsForTest() {
        lock.readLock().lock();
        try {
            long[] out = new long[size];
            for (int i = 0; i < size; i++) {
                out[i] = rvs[index(i)];
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    private int index(int i) {
        return (head + i) % rvs.length;
    }

    private void removeFirstLocked() {
        stores[head] = null; // let the store be collected
        times[head] = null;
        head = (head + 1) % rvs.length;
        size--;
    }

    private void growLocked() {
        int n = rvs.length * 2;
        long[] r = new long[n];
        OrderedStore[] s = new OrderedStore[n];
        Instant[] t = new Instant[n];
        for (int i = 0; i < size; i++) {
            int from = index(i);
            r[i] = rvs[from];
            s[i] = stores[from];
            t[i] = times[from];
        }
        rvs = r;
        stores = s;
        times = t;
        head = 0;
    }
}
