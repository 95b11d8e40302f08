package dev.breakwater.cache.admission;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The global count of bytes Breakwater holds for its clients and has not yet written to their sockets: LIST
 * chunks and encoded watch events handed to a connection whose write has not completed ({@code
 * --max-inflight-bytes}). Every holder acquires on hand-over and releases on completion, success or failure, so
 * the count is what the heap (and the transport's direct buffers) retain for slow readers right now.
 *
 * <p>It is an account, not a semaphore: {@link #acquire} never refuses and never blocks — the bytes exist
 * already. What the count decides is made elsewhere, from {@link #exhausted()}: new expensive requests are refused
 * ({@link Admission}) and watchers that keep bytes while it is exhausted are treated as blocked
 * ({@link WatcherBudget}).
 *
 * <p>Concurrency: any thread; one atomic counter.
 *
 * <p>Bad input: a negative amount is a programming error ({@link IllegalArgumentException}); a release of more
 * than was acquired would drive the count negative and is not checked (holders release exactly what they took).
 */
public final class BytesInFlight {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit bytes beyond which the budget is exhausted; {@link Long#MAX_VALUE}: never */
    public BytesInFlight(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** An account that is never exhausted (tests, and holders that do not take part). */
    public static BytesInFlight unlimited() {
        return new BytesInFlight(Long.MAX_VALUE);
    }

    /** Bytes handed to a connection. */
    public void acquire(long bytes) {
        check(bytes);
        used.addAndGet(bytes);
    }

    /** Bytes written to the socket, or dropped with their connection. */
    public void release(long bytes) {
        check(bytes);
        used.addAndGet(-bytes);
    }

    /** Whether the budget is used up: at or above its limit. */
    public boolean exhausted() {
        return used.get() >= limit;
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    private static void check(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count: " + bytes);
        }
    }

    @Override
    public String toString() {
        return "BytesInFlight[" + used.get() + "/" + limit + "]";
    }
}
