package dev.breakwater.cache.admission;

/**
 * How many bytes one watcher may hold for its client before it counts as <em>blocked</em>
 * ({@code --max-watch-queue-bytes}): its queued events (the objects' encoded sizes) plus the encoded bytes its
 * sink has handed to the connection and the socket has not taken yet ({@code WatchSink.bufferedBytes}).
 *
 * <p>Go's {@code cacheWatcher} bounds its {@code input} channel in events only; its objects are shared with the
 * cache, as Breakwater's queue entries are, but Breakwater's sink holds an encoded copy per watcher, so a slow
 * client costs bytes, not slots. The rules (pure functions of the numbers given; the time rule — blocked for
 * longer than the dispatch budget closes the watcher — is {@code CacheWatcher}'s, with its injected clock):
 * <ul>
 *   <li>{@link #blocked}: held ≥ {@code maxBytes}; or, while the global {@link BytesInFlight} is exhausted, held ≥
 *       the {@linkplain #pressureFloor() pressure floor} (min(64 KiB, maxBytes)) — under memory pressure the
 *       watchers that keep bytes are the ones shed, and a watcher whose client keeps up holds next to nothing;</li>
 *   <li>{@link #overHardCap}: held ≥ 2 × {@code maxBytes}: closed at once (the count rule's twice-the-capacity
 *       analogue);</li>
 *   <li>{@link #sinkFull}: the sink stops taking events beyond half the budget (the floor under pressure), so
 *       the rest waits in the queue as references to the cache's objects, not as copies.</li>
 * </ul>
 *
 * @param maxBytes per-watcher bound, positive
 * @param global   the global account the sinks charge
 */
public record WatcherBudget(long maxBytes, BytesInFlight global) {

    /** The pressure floor's upper bound. */
    public static final long PRESSURE_FLOOR = 64 * 1024;

    /** No byte bound (the event-count rules alone, as before this budget existed). */
    public static final WatcherBudget UNLIMITED = new WatcherBudget(Long.MAX_VALUE / 4, BytesInFlight.unlimited());

    public WatcherBudget {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        java.util.Objects.requireNonNull(global);
    }

    /** What a watcher may keep while the global budget is exhausted. */
    public long pressureFloor() {
        return Math.min(PRESSURE_FLOOR, maxBytes);
    }

    /** Whether a watcher holding {@code heldBytes} is blocked (see the class doc). */
    public boolean blocked(long heldBytes) {
        return heldBytes >= maxBytes || (global.exhausted() && heldBytes >= pressureFloor());
    }

    /** Whether a watcher holding {@code heldBytes} is closed at once, whatever the time. */
    public boolean overHardCap(long heldBytes) {
        return heldBytes >= 2 * maxBytes;
    }

    /** Whether a sink holding {@code pendingBytes} should take no more events until it drains. */
    public boolean sinkFull(long pendingBytes) {
        return pendingBytes > maxBytes / 2 || (global.exhausted() && pendingBytes > pressureFloor());
    }
}
