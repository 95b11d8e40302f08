package dev.breakwater.cache;

import dev.breakwater.cache.status.ApiStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Whether a watch cache can serve: the three-state condition of {@code ready} in
 * {@code k8s.io/apiserver/pkg/storage/cacher/ready.go}. Initial state Pending:
 * <pre>
 * Pending -------&gt; Ready -----&gt; Stopped
 *    |                            ^
 *    └----------------------------┘
 * </pre>
 * Pending → Ready when the first LIST is in the cache ({@code setReady}); any → Stopped forever
 * ({@code stop}). Go's Ready → Pending ({@code setError}, when the watch breaks and a relist starts) is not
 * taken: Breakwater's relist turns the difference into events and keeps its watchers, so the cache stays a
 * valid state at its RV throughout (see {@code cacher.Cacher}). The Pending → Ready transition sets the
 * {@linkplain #generation() generation} to 1.
 *
 * <p>Observing without blocking: {@link #whenReady()} is a future completed at the next Ready (or Stopped,
 * exceptionally); callers add their own timeout ({@code orTimeout}) so the proxy waits for the cache instead of
 * stampeding upstream. {@link #addListener} reports every transition. {@link #check()} is {@code ready.check}:
 * the state plus how long it has lasted, for the 429 {@code storage is (re)initializing} answer with
 * Retry-After.
 *
 * <p>Concurrency: any thread may call any method. State fields are guarded by {@code this}; futures are completed
 * and listeners called after the monitor is released, on the thread that caused the transition.
 */
public final class Ready {

    /** {@code status}. */
    public enum State { PENDING, READY, STOPPED }

    /** The outcome of {@link #check()}. */
    public record Check(State state, int generation, Duration sinceLastChange) {
        /** The error the cacher answers with when not Ready (429 while Pending, 503-ish text when Stopped). */
        public String errorText() {
            return switch (state) {
                case READY -> null;
                case PENDING -> "storage is (re)initializing";
                case STOPPED -> "apiserver cacher is stopped";
            };
        }
    }

    /** Thrown into {@link #whenReady()} futures when the cache stops. */
    public static final class StoppedException extends RuntimeException {
        StoppedException() {
            super("apiserver cacher is stopped", null, false, false);
        }
    }

    private final InstantSource clock;
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

    // @GuardedBy("this")
    private State state = State.PENDING;
    // @GuardedBy("this")
    private int generation;
    // @GuardedBy("this")
    private Instant lastStateChange;
    // @GuardedBy("this"): completed at Ready or Stopped
    private CompletableFuture<Integer> waiters = new CompletableFuture<>();

    public Ready(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock);
        this.lastStateChange = clock.instant();
    }

    /** {@code setReady}: Pending → Ready (no effect when Ready or Stopped). */
    public void setReady() {
        CompletableFuture<Integer> complete = null;
        int gen;
        synchronized (this) {
            if (state != State.PENDING) {
                return;
            }
            state = State.READY;
            generation++;
            lastStateChange = clock.instant();
            complete = waiters;
            gen = generation;
        }
        complete.complete(gen);
        notifyListeners(State.READY);
    }

    /** {@code stop}: irreversible; pending {@link #whenReady()} futures fail with {@link StoppedException}. */
    public void stop() {
        CompletableFuture<Integer> fail;
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
            lastStateChange = clock.instant();
            fail = waiters;
        }
        fail.completeExceptionally(new StoppedException());
        notifyListeners(State.STOPPED);
    }

    /**
     * {@code waitAndReadGeneration} without blocking: completes with the generation once Ready (immediately if
     * Ready now), exceptionally with {@link StoppedException} once Stopped. The returned future is a copy:
     * cancelling or timing it out ({@code orTimeout}) does not affect other waiters.
     */
    public synchronized CompletableFuture<Integer> whenReady() {
        return switch (state) {
            case READY -> CompletableFuture.completedFuture(generation);
            case STOPPED -> CompletableFuture.failedFuture(new StoppedException());
            case PENDING -> waiters.copy();
        };
    }

    /** {@code checkAndReadGeneration}. */
    public synchronized Check check() {
        return new Check(state, state == State.READY ? generation : 0,
                Duration.between(lastStateChange, clock.instant()));
    }

    public synchronized State state() {
        return state;
    }

    /** Number of Pending → Ready transitions so far. */
    public synchronized int generation() {
        return generation;
    }

    /**
     * The 429 the cacher answers while not Ready ({@code errors.NewTooManyRequests(err, retryAfter)}), with
     * {@link #retryAfterSeconds(Duration)} of the time since the last state change.
     */
    public ApiStatus unreadyStatus() {
        Check c = check();
        return ApiStatus.tooManyRequests(c.errorText(), retryAfterSeconds(c.sinceLastChange()));
    }

    /** {@code calculateRetryAfterForUnreadyCache}: e^(0.06·downtime s), clamped to [1, 30], truncated. */
    public static int retryAfterSeconds(Duration downtime) {
        double r = Math.exp(0.06 * (downtime.toNanos() / 1e9));
        return (int) Math.min(30, Math.max(1, r));
    }

    /** Called on every transition with the new state, outside any lock, on the transitioning thread. */
    public void addListener(Consumer<State> listener) {
        listeners.add(listener);
    }

    private void notifyListeners(State s) {
        for (Consumer<State> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                // one listener's failure must not stop the others (fabric8 SharedProcessor style)
            }
        }
    }
}
