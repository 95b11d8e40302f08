package dev.breakwater.cache;

import static dev.breakwater.cache.TestObjects.cm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.WatchCache.WatchRequest;
import dev.breakwater.cache.admission.BytesInFlight;
import dev.breakwater.cache.admission.WatcherBudget;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.watch.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A watcher's byte budget ({@link WatcherBudget}, {@code --max-watch-queue-bytes}) and the global account under
 * pressure: which watchers are closed as unresponsive, when (injected clock), and that the others never notice.
 */
class WatcherByteBudgetTest {
    private final TestClock clock = new TestClock();
    // capacity 100 events: in these tests only the byte rules can block a watcher
    private final WatchCache cache = new WatchCache(clock, new WatchCache.Config(Duration.ofSeconds(75), 100, 1000,
            1000, Duration.ofMinutes(10), 100, Duration.ofMillis(100), Duration.ofMinutes(1)));
    private final List<BudgetSink> sinks = new ArrayList<>();
    /** The encoded size the watcher counts for one of the test's objects. */
    private final long eventBytes = CacheWatcher.sizeOf(new WatchSink.Event(EventType.ADDED, cm("default", "x00", 11), 11, false));

    /** A sink with a budget, settable unwritten bytes, and credits: it takes {@code credits} events, then is full. */
    static final class BudgetSink extends RecordingSink {
        final WatcherBudget budget;
        volatile long buffered;
        int credits = Integer.MAX_VALUE;
        int terminated;

        BudgetSink(WatcherBudget budget) {
            this.budget = budget;
        }

        @Override
        public WatcherBudget budget() {
            return budget;
        }

        @Override
        public long bufferedBytes() {
            return buffered;
        }

        @Override
        public synchronized void write(Event event) {
            super.write(event);
            credits--;
        }

        @Override
        public synchronized boolean writeQueueFull() {
            return credits <= 0;
        }

        @Override
        public synchronized void terminatedAsUnresponsive() {
            terminated++;
        }

        /** Lets the client take {@code n} more events, as a socket that drained a little. */
        void take(int n) {
            Runnable r;
            synchronized (this) {
                credits = n;
                r = drain;
                drain = null;
            }
            if (r != null) {
                r.run();
            }
        }
    }

    @AfterEach
    void validate() {
        sinks.forEach(RecordingSink::validate);
    }

    private BudgetSink sink(WatcherBudget b) {
        BudgetSink s = new BudgetSink(b);
        sinks.add(s);
        return s;
    }

    private CacheWatcher watchFrom10(BudgetSink s) {
        return cache.watch(new WatchRequest("", 10, null, false, SelectionPredicate.everything(), null), s).value();
    }

    private void seed() {
        cache.replace(List.of(cm("default", "a", 5)), 10);
    }

    private void add(int i) {
        cache.add(cm("default", String.format("x%02d", i), 11 + i));
    }

    @Test
    void queuedBytesOverTheBudgetBlockTheWatcherAndNoProgressPastTheDispatchBudgetClosesIt() {
        seed();
        WatcherBudget budget = new WatcherBudget(3 * eventBytes, BytesInFlight.unlimited());
        BudgetSink slow = sink(budget);
        slow.credits = 0;
        BudgetSink fast = sink(budget);
        CacheWatcher w = watchFrom10(slow);
        watchFrom10(fast);
        for (int i = 0; i < 4; i++) {
            add(i); // the 4th finds 3 events' bytes queued: blocked since now
        }
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        assertThat(w.queuedBytes()).isEqualTo(4 * eventBytes);
        clock.advance(Duration.ofMillis(150));
        add(4);
        assertThat(w.state()).isEqualTo(CacheWatcher.State.STOPPED);
        assertThat(slow.terminated).isEqualTo(1);
        assertThat(slow.ends).isEqualTo(1);
        assertThat(slow.events).isEmpty(); // no ERROR event: the stream just ends
        assertThat(cache.watchers()).hasSize(1);
        assertThat(fast.events).hasSize(5);
        assertThat(fast.terminated).isZero();
    }

    @Test
    void progressWithinTheDispatchBudgetKeepsABlockedWatcherOpen() {
        seed();
        BudgetSink s = sink(new WatcherBudget(3 * eventBytes, BytesInFlight.unlimited()));
        s.credits = 0;
        CacheWatcher w = watchFrom10(s);
        for (int i = 0; i < 4; i++) {
            add(i);
        }
        clock.advance(Duration.ofMillis(80));
        s.take(1); // one event taken: progress
        clock.advance(Duration.ofMillis(80)); // 160 ms since first blocked, 80 since progress
        add(4);
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        assertThat(s.terminated).isZero();
        s.take(Integer.MAX_VALUE);
        assertThat(s.events).hasSize(5);
        assertThat(w.queuedBytes()).isZero();
    }

    @Test
    void theSinksUnwrittenBytesCountTowardsTheBudget() {
        seed();
        BudgetSink s = sink(new WatcherBudget(3 * eventBytes, BytesInFlight.unlimited()));
        s.credits = 0;
        s.buffered = 3 * eventBytes; // the connection holds the whole budget already
        CacheWatcher w = watchFrom10(s);
        add(0); // blocked at once: queue 0 + sink 3 events
        clock.advance(Duration.ofMillis(150));
        add(1);
        assertThat(w.state()).isEqualTo(CacheWatcher.State.STOPPED);
        assertThat(s.terminated).isEqualTo(1);
    }

    @Test
    void twiceTheByteBudgetClosesAtOnce() {
        seed();
        BudgetSink s = sink(new WatcherBudget(2 * eventBytes, BytesInFlight.unlimited()));
        s.credits = 0;
        CacheWatcher w = watchFrom10(s);
        for (int i = 0; i < 4; i++) {
            add(i);
        }
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        add(4); // 4 events queued = 2 × budget: no time needed
        assertThat(w.state()).isEqualTo(CacheWatcher.State.STOPPED);
        assertThat(s.terminated).isEqualTo(1);
    }

    @Test
    void underGlobalPressureAWatcherKeepingBytesIsClosedAtTheTickAndOneThatKeepsUpIsNot() {
        seed();
        BytesInFlight global = new BytesInFlight(1000);
        WatcherBudget budget = new WatcherBudget(1 << 20, global);
        BudgetSink slow = sink(budget);
        BudgetSink fast = sink(budget);
        CacheWatcher slowWatcher = watchFrom10(slow);
        CacheWatcher fastWatcher = watchFrom10(fast);
        slow.buffered = WatcherBudget.PRESSURE_FLOOR + 1; // its socket has not taken these, nothing new arrives
        fast.buffered = 100;
        cache.tick();
        clock.advance(Duration.ofMillis(150));
        cache.tick();
        assertThat(slowWatcher.state()).as("under its own budget, no pressure").isNotEqualTo(CacheWatcher.State.STOPPED);

        global.acquire(1000); // the global budget is used up
        cache.tick(); // blocked since now
        clock.advance(Duration.ofMillis(150));
        cache.tick();
        assertThat(slowWatcher.state()).isEqualTo(CacheWatcher.State.STOPPED);
        assertThat(slow.terminated).isEqualTo(1);
        assertThat(slow.ends).isEqualTo(1);
        assertThat(fastWatcher.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        add(0);
        assertThat(fast.events).hasSize(1);
        assertThat(fast.terminated).isZero();
    }

    @Test
    void aRelistsDifferenceIsExemptFromTheByteBudget() {
        List<dev.breakwater.cache.object.CachedObject> listed = new ArrayList<>();
        listed.add(cm("default", "a", 5));
        seed();
        BudgetSink s = sink(new WatcherBudget(2 * eventBytes, BytesInFlight.unlimited()));
        s.credits = 0;
        CacheWatcher w = watchFrom10(s);
        for (int i = 0; i < 10; i++) {
            listed.add(cm("default", String.format("r%02d", i), 11 + i));
        }
        cache.replace(listed, 30); // 10 ADDED in one burst: 5 × the byte budget
        clock.advance(Duration.ofMillis(150));
        cache.tick();
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        assertThat(w.queuedBytes()).isZero();
        s.take(Integer.MAX_VALUE);
        assertThat(s.events).hasSize(10);
    }

    @Test
    void withoutABudgetNothingChanges() {
        seed();
        BudgetSink s = sink(WatcherBudget.UNLIMITED);
        s.credits = 0;
        s.buffered = Long.MAX_VALUE / 16;
        CacheWatcher w = watchFrom10(s);
        for (int i = 0; i < 50; i++) {
            add(i);
        }
        clock.advance(Duration.ofSeconds(5));
        cache.tick();
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        assertThat(w.queued()).isEqualTo(50);
    }
}
