package dev.breakwater.cache;

import static dev.breakwater.cache.TestObjects.cm;
import static dev.breakwater.cache.TestObjects.predicate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.WatchCache.WatchRequest;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.status.ApiStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Watch semantics from SEMANTICS.md (WATCH) and cache_watcher.go, through the WatchCache. */
class CacheWatcherTest {
    private final TestClock clock = new TestClock();
    private final WatchCache cache = new WatchCache(clock, new WatchCache.Config(Duration.ofSeconds(75), 100, 1000,
            1000, Duration.ofMinutes(10), 4, Duration.ofMillis(100), Duration.ofMinutes(1)));
    private final List<RecordingSink> sinks = new ArrayList<>();

    @AfterEach
    void validate() {
        sinks.forEach(RecordingSink::validate);
        for (CacheWatcher w : cache.watchers()) {
            assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED); // stopped watchers are forgotten
            assertThat(w.queued()).isLessThanOrEqualTo(8); // 2 × capacity
        }
    }

    private RecordingSink sink() {
        RecordingSink s = new RecordingSink();
        sinks.add(s);
        return s;
    }

    private void seed() {
        cache.replace(List.of(cm("default", "b", 7, "app", "x"), cm("default", "a", 5), cm("kube-system", "k", 9, "app", "x")), 10);
    }

    private CacheWatcher watch(RecordingSink s, String prefix, long rv, Boolean sendInitial, boolean bookmarks,
                               SelectionPredicate p, Instant deadline) {
        return cache.watch(new WatchRequest(prefix, rv, sendInitial, bookmarks, p, deadline), s).value();
    }

    @Test
    void watchListSendsStateInKeyOrderThenInitialEventsEndAtCacheRv() {
        seed();
        cache.updateResourceVersion(12); // cache RV above every object RV
        RecordingSink s = sink();
        watch(s, "", 0, true, true, SelectionPredicate.everything(), null);
        cache.add(cm("default", "c", 13));
        assertThat(s.render()).containsExactly("ADDED default/a@5 rv=5", "ADDED default/b@7 rv=7",
                "ADDED kube-system/k@9 rv=9", "BOOKMARK rv=12 end", "ADDED default/c@13 rv=13");
    }

    @Test
    void stateWithoutBookmarksHasNoEndBookmarkAndRespectsPrefixAndSelector() {
        seed();
        RecordingSink s = sink();
        watch(s, "default/", 0, null, false, predicate("app=x", ""), null);
        cache.add(cm("kube-system", "k2", 11, "app", "x"));
        cache.add(cm("default", "d", 12, "app", "x"));
        assertThat(s.render()).containsExactly("ADDED default/b@7 rv=7", "ADDED default/d@12 rv=12");
    }

    @Test
    void selectorEntryIsAddedAndExitIsDeletedWithPreviousStateAndEventRv() {
        seed();
        RecordingSink s = sink();
        watch(s, "", 10, null, false, predicate("app=x", ""), null);
        cache.update(cm("default", "a", 11, "app", "x"));  // enters
        cache.update(cm("default", "a", 12, "app", "x", "v", "2")); // stays
        cache.update(cm("default", "a", 13, "app", "y"));  // leaves
        cache.update(cm("default", "a", 14, "app", "z"));  // still out
        cache.delete(cm("default", "b", 15, "app", "x"));  // deleted while in
        assertThat(s.render()).containsExactly("ADDED default/a@11 rv=11", "MODIFIED default/a@12 rv=12",
                "DELETED default/a@12 rv=13", "DELETED default/b@7 rv=15");
    }

    @Test
    void resumeFromRvReplaysHistoryThenLive() {
        seed();
        cache.add(cm("default", "c", 11));
        cache.update(cm("default", "c", 12));
        RecordingSink s = sink();
        watch(s, "", 11, null, false, SelectionPredicate.everything(), null);
        cache.delete(cm("default", "c", 13));
        assertThat(s.render()).containsExactly("MODIFIED default/c@12 rv=12", "DELETED default/c@12 rv=13");
    }

    @Test
    void rvAheadOfTheCacheIsSilentUntilReached() {
        seed();
        RecordingSink s = sink();
        watch(s, "", 12, null, false, SelectionPredicate.everything(), null);
        cache.add(cm("default", "c", 11));
        cache.add(cm("default", "d", 12));
        cache.add(cm("default", "e", 13));
        assertThat(s.render()).containsExactly("ADDED default/e@13 rv=13");
    }

    @Test
    void drainThatHappensWhileRegisteringIsNotLost() {
        seed();
        RecordingSink s = new RecordingSink() {
            private int checks;

            @Override
            public synchronized boolean writeQueueFull() {
                return checks++ == 0; // full at the first check, writable by the time the callback is set
            }
        };
        sinks.add(s);
        watch(s, "", 10, null, false, SelectionPredicate.everything(), null);
        cache.add(cm("default", "c", 11));
        assertThat(s.render()).containsExactly("ADDED default/c@11 rv=11");
    }

    @Test
    void tooOldRvIsA410WithTheCachesMessage() {
        seed();
        ApiStatus e = cache.watch(new WatchRequest("", 3, null, false, SelectionPredicate.everything(), null), sink()).error();
        assertThat(e.code()).isEqualTo(410);
        assertThat(e.reason()).isEqualTo("Expired");
        assertThat(e.message()).isEqualTo("too old resource version: 3 (10)");
    }

    @Test
    void unreadyCacheRefusesWatchWith429() {
        ApiStatus e = cache.watch(new WatchRequest("", 0, null, false, SelectionPredicate.everything(), null), sink()).error();
        assertThat(e.code()).isEqualTo(429);
    }

    @Test
    void sendInitialEventsFalseStartsNow() {
        seed();
        RecordingSink s = sink();
        watch(s, "", 0, false, true, SelectionPredicate.everything(), null);
        cache.add(cm("default", "c", 11));
        assertThat(s.render()).containsExactly("ADDED default/c@11 rv=11");
    }

    @Test
    void bookmarksEveryMinuteSkippedWhenRvUnchangedAndTwoSecondsBeforeDeadline() {
        seed();
        RecordingSink s = sink();
        Instant deadline = clock.instant().plusSeconds(150);
        watch(s, "", 10, null, true, SelectionPredicate.everything(), deadline);
        clock.advance(Duration.ofSeconds(30));
        cache.tick();
        assertThat(s.render()).isEmpty();
        clock.advance(Duration.ofSeconds(31)); // t=61: due, but RV 10 = start RV → skipped
        cache.tick();
        assertThat(s.render()).isEmpty();
        cache.updateResourceVersion(20); // storage bookmark: RV advances without an event
        clock.advance(Duration.ofSeconds(60)); // t=121
        cache.tick();
        assertThat(s.render()).containsExactly("BOOKMARK rv=20");
        cache.add(cm("default", "c", 21));
        clock.advance(Duration.ofSeconds(27)); // t=148 = deadline - 2 s
        cache.tick();
        assertThat(s.render()).containsExactly("BOOKMARK rv=20", "ADDED default/c@21 rv=21", "BOOKMARK rv=21");
        clock.advance(Duration.ofSeconds(2)); // deadline: clean end, no ERROR
        cache.tick();
        assertThat(s.ends).isEqualTo(1);
        assertThat(cache.watchers()).isEmpty();
    }

    @Test
    void watchListFirstTickBookmarkAtSameRvIsSkipped() {
        seed();
        RecordingSink s = sink();
        watch(s, "", 0, true, true, predicate("app=nothing", ""), null);
        assertThat(s.render()).containsExactly("BOOKMARK rv=10 end");
        clock.advance(Duration.ofSeconds(1));
        cache.tick();
        assertThat(s.render()).containsExactly("BOOKMARK rv=10 end");
        cache.updateResourceVersion(11);
        clock.advance(Duration.ofSeconds(60));
        cache.tick();
        assertThat(s.render()).containsExactly("BOOKMARK rv=10 end", "BOOKMARK rv=11");
    }

    @Test
    void theEtcdPathsSinkPassesAWatchListsEndMarkerButNoTimerBookmark() {
        seed();
        RecordingSink s = sink();
        Instant deadline = clock.instant().plusSeconds(150);
        cache.watch(new WatchRequest("", 0, true, true, SelectionPredicate.everything(), deadline),
                WatchSink.initialEventsEndBookmarksOnly(s)).value();
        cache.add(cm("default", "c", 11));
        cache.updateResourceVersion(20);
        clock.advance(Duration.ofSeconds(61));
        cache.tick(); // a timer bookmark is due (RV 20): not the etcd path's
        clock.advance(Duration.ofSeconds(87)); // deadline - 2 s: due again
        cache.tick();
        assertThat(s.render()).containsExactly("ADDED default/a@5 rv=5", "ADDED default/b@7 rv=7", "ADDED kube-system/k@9 rv=9",
                "BOOKMARK rv=10 end", "ADDED default/c@11 rv=11");
        clock.advance(Duration.ofSeconds(2));
        cache.tick();
        assertThat(s.ends).isEqualTo(1); // the deadline still ends it cleanly
    }

    @Test
    void noBookmarksWithoutAllowWatchBookmarks() {
        seed();
        RecordingSink s = sink();
        watch(s, "", 10, null, false, SelectionPredicate.everything(), null);
        cache.updateResourceVersion(20);
        clock.advance(Duration.ofMinutes(5));
        cache.tick();
        assertThat(s.render()).isEmpty();
    }

    @Test
    void backPressurePausesAndDrainResumesInOrder() {
        seed();
        RecordingSink s = sink();
        s.full = true;
        CacheWatcher w = watch(s, "", 10, null, false, SelectionPredicate.everything(), null);
        cache.add(cm("default", "c", 11));
        cache.add(cm("default", "d", 12));
        assertThat(s.render()).isEmpty();
        assertThat(w.queued()).isEqualTo(2);
        s.drain();
        assertThat(s.render()).containsExactly("ADDED default/c@11 rv=11", "ADDED default/d@12 rv=12");
        assertThat(w.queued()).isZero();
    }

    @Test
    void initialStateIsThrottledBySinkWithoutUsingTheQueue() {
        List<dev.breakwater.cache.object.CachedObject> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(cm("ns", String.format("o%02d", i), i + 1));
        }
        cache.replace(many, 100);
        RecordingSink s = sink();
        s.full = true;
        CacheWatcher w = watch(s, "", 0, true, true, SelectionPredicate.everything(), null);
        assertThat(w.queued()).isEqualTo(1); // only the end bookmark
        s.drain();
        assertThat(s.events).hasSize(51);
        assertThat(s.events.getLast().initialEventsEnd()).isTrue();
    }

    @Test
    void slowWatcherIsClosedWithoutErrorAfterBudgetOthersUnaffected() {
        seed();
        RecordingSink slow = sink();
        slow.full = true;
        RecordingSink fast = sink();
        CacheWatcher w = watch(slow, "", 10, null, false, SelectionPredicate.everything(), null);
        watch(fast, "", 10, null, false, SelectionPredicate.everything(), null);
        for (int i = 0; i < 5; i++) {
            cache.add(cm("default", "x" + i, 11 + i)); // 4 fit, the 5th overflows: full since now
        }
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        clock.advance(Duration.ofMillis(150)); // past the 100 ms budget, still full
        cache.add(cm("default", "late", 20));
        assertThat(w.state()).isEqualTo(CacheWatcher.State.STOPPED);
        assertThat(slow.ends).isEqualTo(1);
        assertThat(slow.events).isEmpty(); // no ERROR event
        assertThat(cache.watchers()).hasSize(1);
        assertThat(fast.events).hasSize(6);
        slow.drain(); // a late drain callback writes nothing
        assertThat(slow.events).isEmpty();
    }

    @Test
    void fullQueueAtHardCapClosesImmediately() {
        seed();
        RecordingSink slow = sink();
        slow.full = true;
        CacheWatcher w = watch(slow, "", 10, null, false, SelectionPredicate.everything(), null);
        for (int i = 0; i < 9; i++) {
            cache.add(cm("default", "x" + i, 11 + i));
        }
        assertThat(w.state()).isEqualTo(CacheWatcher.State.STOPPED);
        assertThat(slow.ends).isEqualTo(1);
    }

    @Test
    void aRelistsDifferenceDoesNotCloseASlowWatcherAndTheLimitsComeBackOnceWritten() {
        seed();
        RecordingSink slow = sink();
        slow.full = true;
        CacheWatcher w = watch(slow, "", 10, null, false, SelectionPredicate.everything(), null);
        List<dev.breakwater.cache.object.CachedObject> listed = new ArrayList<>(List.of(cm("default", "b", 7, "app", "x"),
                cm("default", "a", 5), cm("kube-system", "k", 9, "app", "x")));
        for (int i = 0; i < 20; i++) {
            listed.add(cm("default", "r" + i, 11 + i));
        }
        cache.replace(listed, 40); // 20 ADDED in one burst: 5 × the queue capacity of 4
        cache.add(cm("default", "live", 41));
        clock.advance(Duration.ofMillis(150));
        cache.tick();
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        assertThat(w.queued()).isEqualTo(21);
        slow.drain();
        assertThat(slow.events).hasSize(21);
        assertThat(slow.events.getFirst().object().name()).isEqualTo("r0");
        assertThat(slow.events.getLast().object().name()).isEqualTo("live");
        // Written: the ordinary hard cap applies again.
        slow.full = true;
        for (int i = 0; i < 9; i++) {
            cache.add(cm("default", "x" + i, 50 + i));
        }
        assertThat(w.state()).isEqualTo(CacheWatcher.State.STOPPED);
    }

    @Test
    void stopEndsStreamAndForgetsWatcher() {
        seed();
        RecordingSink s = sink();
        CacheWatcher w = watch(s, "", 10, null, false, SelectionPredicate.everything(), null);
        w.stop();
        w.stop();
        cache.add(cm("default", "c", 11));
        assertThat(s.events).isEmpty();
        assertThat(s.ends).isEqualTo(1);
        assertThat(cache.watchers()).isEmpty();
    }

    @Test
    void cacheStopEndsAllWatchers() {
        seed();
        RecordingSink a = sink();
        RecordingSink b = sink();
        watch(a, "", 10, null, false, SelectionPredicate.everything(), null);
        watch(b, "default/", 10, null, false, SelectionPredicate.everything(), null);
        cache.stop();
        assertThat(a.ends + b.ends).isEqualTo(2);
        assertThat(cache.ready().state()).isEqualTo(Ready.State.STOPPED);
    }
}
