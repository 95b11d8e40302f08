package dev.breakwater.cache;

import dev.breakwater.cache.watch.EventType;
import static dev.breakwater.cache.TestObjects.cm;
import static dev.breakwater.cache.TestObjects.names;
import static dev.breakwater.cache.TestObjects.predicate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.WatchCache.ListRequest;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.store.StoreValidator;
import dev.breakwater.cache.watch.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchCacheTest {
    private final TestClock clock = new TestClock();
    private WatchCache cache = new WatchCache(clock);
    private final List<RecordingSink> sinks = new ArrayList<>();

    /** Cache invariants after each case: valid store, RV ≥ newest object and list RV, snapshots ≤ cache RV. */
    @AfterEach
    void validate() {
        WatchCache.Published p = cache.current();
        StoreValidator.validate(p.store());
        p.store().forEach(o -> assertThat(Long.compareUnsigned(p.resourceVersion(), o.resourceVersion())).isGreaterThanOrEqualTo(0));
        assertThat(Long.compareUnsigned(p.resourceVersion(), cache.listResourceVersion())).isGreaterThanOrEqualTo(0);
        cache.snapshots().oldestResourceVersion().ifPresent(rv ->
                assertThat(Long.compareUnsigned(rv, p.resourceVersion())).isLessThanOrEqualTo(0));
        if (cache.snapshotCount() > 0) {
            assertThat(cache.snapshots().getLessOrEqual(p.resourceVersion()).orElseThrow().size()).isEqualTo(p.store().size());
        }
        sinks.forEach(RecordingSink::validate);
    }

    private RecordingSink sink() {
        RecordingSink s = new RecordingSink();
        sinks.add(s);
        return s;
    }

    private void seed() {
        cache.replace(List.of(cm("default", "a", 5), cm("default", "b", 7, "app", "x"), cm("kube-system", "k", 9)), 10);
    }

    @Test
    void replaceOnEmptyInitializesAndBecomesReady() {
        assertThat(cache.ready().state()).isEqualTo(Ready.State.PENDING);
        assertThat(cache.list(ListRequest.current("", null, 0, SelectionPredicate.everything(), 0)).error().code()).isEqualTo(429);
        seed();
        assertThat(cache.ready().state()).isEqualTo(Ready.State.READY);
        assertThat(cache.resourceVersion()).isEqualTo(10);
        assertThat(cache.listResourceVersion()).isEqualTo(10);
        assertThat(cache.eventsSince(10).value()).isEmpty();
        assertThat(cache.eventsSince(9).error().message()).isEqualTo("too old resource version: 9 (10)");
    }

    @Test
    void eventsUpdateStoreHistoryAndRv() {
        seed();
        cache.add(cm("default", "c", 11));
        cache.update(cm("default", "a", 12, "app", "x"));
        cache.delete(cm("default", "b", 13, "app", "x"));
        assertThat(names(cache.current().store().listPrefix(""))).isEqualTo("default/a default/c kube-system/k");
        assertThat(cache.resourceVersion()).isEqualTo(13);
        List<WatchEvent> ev = cache.eventsSince(10).value();
        assertThat(ev).extracting(WatchEvent::type).containsExactly(EventType.ADDED, EventType.MODIFIED,
                EventType.DELETED);
        assertThat(ev.get(1).prevObject().resourceVersion()).isEqualTo(5);
        assertThat(ev.get(2).prevObject().resourceVersion()).isEqualTo(7);
        assertThat(cache.get("default/a", 0).value().object().orElseThrow().resourceVersion()).isEqualTo(12);
        assertThat(cache.get("default/b", 0).value().object()).isEmpty();
    }

    @Test
    void resourceVersionNeverGoesBackwardsAndBookmarksAdvanceIt() {
        seed();
        cache.updateResourceVersion(20);
        assertThat(cache.resourceVersion()).isEqualTo(20);
        cache.updateResourceVersion(15);
        assertThat(cache.resourceVersion()).isEqualTo(20);
        // an RV=0 list answers the cache RV, which may exceed every object's RV
        assertThat(cache.list(ListRequest.current("", null, 0, SelectionPredicate.everything(), 0)).value().resourceVersion()).isEqualTo(20);
    }

    @Test
    void currentListAnswersCacheRv() {
        // (RV=0 ignoring limit is the routing plan's rule: ReadPlanTest.)
        seed();
        WatchCache.ListResult r = cache.list(ListRequest.current("", null, 0, SelectionPredicate.everything(), 0)).value();
        assertThat(r.page().items()).hasSize(3);
        assertThat(r.page().continueKey()).isNull();
        assertThat(r.resourceVersion()).isEqualTo(10);
        assertThat(r.fromSnapshot()).isFalse();
    }

    @Test
    void exactListServesHistoricStateAtExactlyN() {
        seed();
        cache.update(cm("default", "a", 11, "v", "2"));
        cache.add(cm("default", "z", 12));
        ListRequest exact = ListRequest.snapshot("default/", null, 0, SelectionPredicate.everything(), 11);
        WatchCache.ListResult r = cache.list(exact).value();
        assertThat(r.resourceVersion()).isEqualTo(11);
        assertThat(r.fromSnapshot()).isTrue();
        assertThat(names(r.page().items())).isEqualTo("default/a default/b");
        assertThat(r.page().items().getFirst().resourceVersion()).isEqualTo(11);
        // no event at 10.5: greatest snapshot <= N
        WatchCache.ListResult at10 = cache.list(ListRequest.snapshot("", null, 0, SelectionPredicate.everything(), 10)).value();
        assertThat(at10.page().items().getFirst().resourceVersion()).isEqualTo(5);
        // before the first snapshot: 410, the delegator goes to etcd
        ApiStatus old = cache.list(ListRequest.snapshot("", null, 0, SelectionPredicate.everything(), 3)).error();
        assertThat(old.code()).isEqualTo(410);
        assertThat(old.message()).isEqualTo("too old resource version: 3");
    }

    @Test
    void legacyLimitWithRvIsExactAndPaginatesOverSnapshot() {
        seed();
        ListRequest legacy = ListRequest.snapshot("", null, 2, SelectionPredicate.everything(), 10);
        WatchCache.ListResult p1 = cache.list(legacy).value();
        assertThat(p1.fromSnapshot()).isTrue();
        assertThat(names(p1.page().items())).isEqualTo("default/a default/b");
        assertThat(p1.page().remainingItemCount()).isEqualTo(1L);
        cache.add(cm("default", "c", 11)); // after the first page: must not appear on page 2
        ListRequest cont = ListRequest.snapshot("", p1.page().continueKey(), 2, SelectionPredicate.everything(), p1.resourceVersion());
        WatchCache.ListResult p2 = cache.list(cont).value();
        assertThat(names(p2.page().items())).isEqualTo("kube-system/k");
        assertThat(p2.resourceVersion()).isEqualTo(10);
        assertThat(p2.page().hasMore()).isFalse();
    }

    @Test
    void continueWithMinusOneReadsLatest() {
        seed();
        cache.add(cm("default", "c", 11));
        ListRequest cont = ListRequest.current("", "default/b\u0000", 0, SelectionPredicate.everything(), 11);
        WatchCache.ListResult r = cache.list(cont).value();
        assertThat(names(r.page().items())).isEqualTo("default/c kube-system/k");
        assertThat(r.resourceVersion()).isEqualTo(11);
    }

    @Test
    void consistentListNeedsFreshnessAndWhenFreshCompletes() throws Exception {
        seed();
        ListRequest consistent = ListRequest.current("", null, 0, SelectionPredicate.everything(), 12);
        ApiStatus tooLarge = cache.list(consistent).error();
        assertThat(tooLarge.code()).isEqualTo(504);
        assertThat(tooLarge.message()).isEqualTo("Timeout: Too large resource version: 12, current: 10");
        assertThat(tooLarge.retryAfterSeconds()).isEqualTo(1);
        CompletableFuture<Long> fresh = cache.whenFresh(12);
        cache.add(cm("default", "c", 11));
        assertThat(fresh).isNotDone();
        cache.updateResourceVersion(12); // progress notify / bookmark
        assertThat(fresh.get()).isEqualTo(12);
        assertThat(cache.list(consistent).value().resourceVersion()).isEqualTo(12);
        assertThat(cache.whenFresh(5)).isCompletedWithValue(12L);
    }

    @Test
    void lastEventAtIsTheLastFeedEventsTimeNotABookmarksNorARelists() {
        assertThat(cache.lastEventAt()).isEmpty();
        seed(); // a replace: the first list
        assertThat(cache.lastEventAt()).isEmpty();
        Instant first = clock.instant();
        cache.add(cm("default", "c", 11));
        assertThat(cache.lastEventAt()).contains(first);
        clock.advance(Duration.ofSeconds(3));
        cache.updateResourceVersion(12);
        assertThat(cache.lastEventAt()).contains(first);
        cache.replace(List.of(cm("default", "a", 5)), 13); // a relist's difference is not the feed's event
        assertThat(cache.lastEventAt()).contains(first);
        cache.delete(cm("default", "a", 14));
        assertThat(cache.lastEventAt()).contains(clock.instant());
    }

    @Test
    void notOlderThanAnswersCacheRvNotN() {
        seed();
        cache.add(cm("default", "c", 11));
        WatchCache.ListResult r = cache.list(ListRequest.current("", null, 0, SelectionPredicate.everything(), 8)).value();
        assertThat(r.resourceVersion()).isEqualTo(11);
        assertThat(r.page().items()).hasSize(4);
    }

    @Test
    void selectorsApplyToLists() {
        seed();
        WatchCache.ListResult r = cache.list(ListRequest.current("", null, 0, predicate("app=x", ""), 10)).value();
        assertThat(names(r.page().items())).isEqualTo("default/b");
    }

    @Test
    void getNeedsFreshnessButReturnsCurrentForOlderRv() {
        seed();
        cache.update(cm("default", "a", 11));
        assertThat(cache.get("default/a", 6).value().object().orElseThrow().resourceVersion()).isEqualTo(11);
        assertThat(cache.get("default/a", 99).error().code()).isEqualTo(504);
    }

    @Test
    void relistOnPopulatedCacheDispatchesDiffAndWatchersSurvive() {
        seed();
        RecordingSink s = sink();
        CacheWatcher w = cache.watch(new WatchCache.WatchRequest("", 10, null, false, SelectionPredicate.everything(), null), s).value();
        // a relist keeps the cache Ready: it stays a valid state at its RV while the reflector relists
        // during the outage: a deleted, b modified, c added, k unchanged
        cache.replace(List.of(cm("default", "b", 15, "app", "y"), cm("default", "c", 16), cm("kube-system", "k", 9)), 20);
        assertThat(cache.ready().state()).isEqualTo(Ready.State.READY);
        assertThat(cache.ready().generation()).isEqualTo(1);
        assertThat(w.state()).isNotEqualTo(CacheWatcher.State.STOPPED);
        // In RV order: changed objects at their own RV, deletions (previous state) at the list RV.
        assertThat(s.render()).containsExactly("MODIFIED default/b@15 rv=15", "ADDED default/c@16 rv=16",
                "DELETED default/a@5 rv=20");
        assertThat(cache.snapshotCount()).isEqualTo(1);
        assertThat(cache.resourceVersion()).isEqualTo(20);
    }

    @Test
    void relistKeepsTheHistorySoWatchersResumingFromBeforeItDoNotGet410() {
        seed();
        cache.add(cm("default", "d", 11));
        cache.update(cm("default", "a", 12));
        // Upstream 410, relist at 20: d deleted, b modified at 15, e added at 18.
        cache.replace(List.of(cm("default", "a", 12), cm("default", "b", 15, "app", "y"), cm("default", "e", 18),
                cm("kube-system", "k", 9)), 20);
        // From before the relist: the old events, then the difference.
        RecordingSink fromOld = sink();
        cache.watch(new WatchCache.WatchRequest("", 10, null, false, SelectionPredicate.everything(), null), fromOld).value();
        assertThat(fromOld.render()).containsExactly("ADDED default/d@11 rv=11", "MODIFIED default/a@12 rv=12",
                "MODIFIED default/b@15 rv=15", "ADDED default/e@18 rv=18", "DELETED default/d@11 rv=20");
        // From an RV inside the difference (a client that saw b@15 and reconnected): the rest of it, once.
        RecordingSink fromDiff = sink();
        cache.watch(new WatchCache.WatchRequest("", 15, null, false, SelectionPredicate.everything(), null), fromDiff).value();
        assertThat(fromDiff.render()).containsExactly("ADDED default/e@18 rv=18", "DELETED default/d@11 rv=20");
        // Selectors see the difference converted as live events: b leaves app=x at 15.
        RecordingSink selected = sink();
        cache.watch(new WatchCache.WatchRequest("", 10, null, false, predicate("app=x", ""), null), selected).value();
        assertThat(selected.render()).containsExactly("DELETED default/b@7 rv=15");
        // The window still reports "too old" below its real oldest RV, as before the relist.
        assertThat(cache.eventsSince(9).error().message()).isEqualTo("too old resource version: 9 (10)");
        assertThat(cache.eventsSince(20).value()).isEmpty();
    }

    @Test
    void relistSendsDeletedThenAddedForAnObjectRecreatedWithAnotherUid() {
        seed();
        RecordingSink s = sink();
        cache.watch(new WatchCache.WatchRequest("", 10, null, false, SelectionPredicate.everything(), null), s).value();
        var recreated = TestObjects.EXTRACTOR.extract(("{\"metadata\":{\"name\":\"a\",\"namespace\":\"default\","
                + "\"uid\":\"another\",\"resourceVersion\":\"14\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8)).value();
        cache.replace(List.of(recreated, cm("default", "b", 7, "app", "x"), cm("kube-system", "k", 9)), 20);
        assertThat(s.render()).containsExactly("DELETED default/a@5 rv=14", "ADDED default/a@14 rv=14");
        assertThat(cache.eventsSince(10).value()).extracting(WatchEvent::type)
                .containsExactly(EventType.DELETED, EventType.ADDED);
    }

    @Test
    void relistToAnOlderListRestartsTheHistory() {
        seed();
        cache.add(cm("default", "d", 30));
        // The upstream went back in time (restored etcd): nothing of our history can be trusted to continue.
        cache.replace(List.of(cm("default", "a", 5)), 25);
        assertThat(cache.eventsSince(10).error().code()).isEqualTo(410);
        assertThat(cache.eventsSince(25).isOk()).isTrue();
        assertThat(cache.resourceVersion()).isEqualTo(30);
    }

    @Test
    void diffPutsAnObjectWhoseRvIsOutsideTheRelistRangeAtTheListRv() {
        // b's RV did not move past the old cache RV (not a faithful upstream): it still gets an RV in order.
        List<WatchEvent> d = WatchCache.diff(dev.breakwater.cache.store.OrderedStore.of(List.of(cm("default", "b", 7))),
                dev.breakwater.cache.store.OrderedStore.of(List.of(cm("default", "b", 8), cm("default", "c", 99))), 10, 20,
                java.time.Instant.EPOCH);
        assertThat(d).extracting(WatchEvent::resourceVersion).containsExactly(20L, 20L);
        assertThat(d).extracting(WatchEvent::type).containsExactly(EventType.MODIFIED, EventType.ADDED);
    }

    @Test
    void snapshotsAreBoundedByTheEventWindow() {
        cache = new WatchCache(clock, new WatchCache.Config(Duration.ofSeconds(75), 4, 8, 1000, Duration.ofHours(1),
                100, Duration.ofMillis(100), Duration.ofMinutes(1)));
        cache.replace(List.of(), 1);
        for (int i = 0; i < 50; i++) {
            clock.advance(Duration.ofSeconds(100)); // old events: the window stays at its lower bound
            cache.add(cm("ns", "o" + i, 2 + i));
        }
        assertThat(cache.window().size()).isEqualTo(4);
        assertThat(cache.snapshotCount()).isLessThanOrEqualTo(5);
        long oldestEvent = cache.eventsSince(cache.window().oldestResourceVersionIfFull() - 1).value().getFirst().resourceVersion();
        assertThat(cache.snapshots().oldestResourceVersion()).contains(oldestEvent);
    }

    @Test
    void compactDropsOlderSnapshots() {
        seed();
        cache.add(cm("default", "c", 11));
        cache.add(cm("default", "d", 12));
        cache.compact(12);
        assertThat(cache.snapshotCount()).isEqualTo(1);
        assertThat(cache.list(ListRequest.snapshot("", null, 0, SelectionPredicate.everything(), 11))
                .error().code()).isEqualTo(410);
    }

    @Test
    void readersDoNotBlockTheWriter() throws Exception {
        seed();
        Result<WatchCache.ListResult> before = cache.list(ListRequest.current("", null, 0, SelectionPredicate.everything(), 0));
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 2000; i++) {
                cache.add(cm("w", "o" + i, 100 + i));
            }
        });
        int reads = 0;
        while (writer.isAlive()) {
            WatchCache.Published p = cache.current();
            assertThat(p.store().listPrefix("w/").size()).isLessThanOrEqualTo(2000);
            reads++;
        }
        writer.join();
        assertThat(cache.resourceVersion()).isEqualTo(2099);
        assertThat(before.value().page().items()).hasSize(3); // an old page is unaffected by later writes
        assertThat(reads).isPositive();
    }
}
