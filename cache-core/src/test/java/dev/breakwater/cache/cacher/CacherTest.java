package dev.breakwater.cache.cacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.Ready;
import dev.breakwater.cache.TestObjects;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.reflector.ListerWatcher;
import dev.breakwater.cache.reflector.UpstreamListOptions;
import dev.breakwater.cache.reflector.UpstreamListPage;
import dev.breakwater.cache.reflector.UpstreamWatchOptions;
import dev.breakwater.cache.reflector.WatchHandler;
import dev.breakwater.cache.reflector.WatchStream;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.watch.EventType;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cacher as one unit: started over an in-memory upstream, it syncs, answers the port's reads,
 * confirms freshness through its probe and asks for progress while behind; closing stops it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CacherTest {

  /** A WatchList upstream: the state as ADDED events, then the initial-events-end bookmark; watches stay open. */
  static final class MemoryUpstream implements ListerWatcher {
    final List<CachedObject> state;
    final long rv;
    final ConcurrentLinkedQueue<UpstreamWatchOptions> watches = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<WatchHandler> handlers = new ConcurrentLinkedQueue<>();

    MemoryUpstream(List<CachedObject> state, long rv) {
      this.state = state;
      this.rv = rv;
    }

    @Override
    public CompletableFuture<UpstreamListPage> list(UpstreamListOptions request) {
      return CompletableFuture.completedFuture(new UpstreamListPage(rv, "", state));
    }

    @Override
    public WatchStream watch(UpstreamWatchOptions request, WatchHandler handler) {
      watches.add(request);
      handlers.add(handler);
      if (request.sendInitialEvents()) {
        state.forEach(o -> handler.onEvent(EventType.ADDED, o));
        handler.onBookmark(rv, true);
      }
      return () -> handler.onClosed(null);
    }
  }

  Cacher cacher;

  @AfterEach
  void tearDown() {
    if (cacher != null) {
      cacher.close();
    }
  }

  static Cacher.Spec spec() {
    ResourceCodecs codecs = ResourceCodecs.json("ConfigMap", "v1", true, TestObjects.EXTRACTOR);
    return new Cacher.Spec("", "configmaps", "configmaps", ServingPath.WATCH_CACHE,
        new ResourceScope("/registry/configmaps", true, TestObjects.FIELDS, TestObjects.EXTRACTOR), codecs);
  }

  @Test
  void syncsThenServesThroughThePort() throws Exception {
    MemoryUpstream up = new MemoryUpstream(List.of(TestObjects.cm("default", "a", 5), TestObjects.cm("default", "b", 7)), 10);
    cacher = Cacher.start(spec(), up, arrival -> CompletableFuture.completedFuture(10L), Clock.systemUTC(), () -> 0.5, null,
        "cache-test");
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    assertThat(cacher.state().ready()).isTrue();
    assertThat(cacher.state().resourceVersion()).isEqualTo(10);
    WatchCache.ListResult page = cacher.list(WatchCache.ListRequest.current("default/", null, 0, SelectionPredicate.everything(), 0))
        .value();
    assertThat(page.page().items()).extracting(CachedObject::name).containsExactly("a", "b");
    assertThat(cacher.get("default/b", 0).value().object()).isPresent();
    assertThat(cacher.notFound("nope").message()).isEqualTo("configmaps \"nope\" not found");
    // consistent read: the probe says 10, the cache is there
    assertThat(cacher.fresh(System.nanoTime()).get(10, TimeUnit.SECONDS)).isEqualTo(10L);
  }

  @Test
  void theStateSaysHowLongAgoTheFeedDeliveredAnEvent() throws Exception {
    dev.breakwater.cache.TestClock clock = new dev.breakwater.cache.TestClock();
    MemoryUpstream up = new MemoryUpstream(List.of(TestObjects.cm("default", "a", 5)), 10);
    cacher = Cacher.start(spec(), up, arrival -> CompletableFuture.completedFuture(10L), clock, () -> 0.5, null, "cache-test");
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    // the initial state is no event of the feed's
    assertThat(cacher.state().sinceLastEvent()).isEqualTo(dev.breakwater.cache.delegator.CacheState.NO_EVENT);
    up.handlers.peek().onEvent(EventType.ADDED, TestObjects.cm("default", "b", 11));
    assertThat(cacher.whenFresh(11).get(10, TimeUnit.SECONDS)).isEqualTo(11L);
    assertThat(cacher.state().sinceLastEvent()).isEqualTo(java.time.Duration.ZERO);
    clock.advance(java.time.Duration.ofMillis(1_500));
    assertThat(cacher.state().sinceLastEvent()).isEqualTo(java.time.Duration.ofMillis(1_500));
  }

  @Test
  void closingStopsTheCacheAndItsWaiters() throws Exception {
    MemoryUpstream up = new MemoryUpstream(List.of(), 10);
    cacher = Cacher.start(spec(), up, arrival -> new CompletableFuture<>(), Clock.systemUTC(), () -> 0.5, null, "cache-test");
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    CompletableFuture<Long> ahead = cacher.whenFresh(50);
    cacher.close();
    assertThat(cacher.watchCache().ready().state()).isEqualTo(Ready.State.STOPPED);
    assertThatThrownBy(() -> ahead.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(Ready.StoppedException.class);
    cacher = null;
  }

  @Test
  void freshnessDemandsProgressForReadsThatWaitAndCompletesWhenReached() throws Exception {
    WatchCache cache = new WatchCache(Clock.systemUTC());
    cache.replace(List.of(), 10);
    AtomicInteger progress = new AtomicInteger();
    CompletableFuture<Long> probe = new CompletableFuture<>();
    Freshness f = new Freshness(cache, arrival -> probe, progress::incrementAndGet);

    assertThat(f.whenFresh(10, true)).isCompletedWithValue(10L);
    assertThat(progress).hasValue(0); // nothing to ask for

    CompletableFuture<Long> consistent = f.consistent(System.nanoTime(), true);
    assertThat(progress).as("demanded as the read arrives, before the probe answers").hasValue(1);
    assertThat(consistent).isNotDone();
    probe.complete(12L); // the upstream is at 12: the cache must get there
    assertThat(consistent).isNotDone();
    cache.updateResourceVersion(12); // a supply bookmark
    assertThat(consistent.get(10, TimeUnit.SECONDS)).isEqualTo(12L);

    // a small read (no progress): the same proof, no demand
    progress.set(0);
    CompletableFuture<Long> probe2 = new CompletableFuture<>();
    CompletableFuture<Long> small = new Freshness(cache, arrival -> probe2, progress::incrementAndGet).consistent(System.nanoTime(), false);
    probe2.complete(13L);
    assertThat(small).isNotDone();
    assertThat(progress).hasValue(0);
    cache.updateResourceVersion(13);
    assertThat(small.get(10, TimeUnit.SECONDS)).isEqualTo(13L);

    // an RV ahead (AT_LEAST) demands progress while behind
    CompletableFuture<Long> ahead = f.whenFresh(20, true);
    assertThat(progress).hasValue(1);
    assertThat(ahead).isNotDone();

    CompletableFuture<Long> failed = new Freshness(cache, arrival -> CompletableFuture.failedFuture(new IllegalStateException("down")),
        () -> { }).consistent(System.nanoTime(), true);
    assertThat(failed).isCompletedExceptionally();
  }

  @Test
  void aConsistentReadOfAQuietCacheStartsTheProgressSupply() throws Exception {
    MemoryUpstream up = new MemoryUpstream(List.of(), 10);
    cacher = Cacher.start(spec(), up, arrival -> CompletableFuture.completedFuture(15L), Clock.systemUTC(), () -> 0.5, null,
        "cache-test");
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    CompletableFuture<Long> fresh = cacher.fresh(System.nanoTime());
    // a supply watch from the cache's RV, timeoutSeconds=3; its bookmark proves 15
    while (up.watches.stream().noneMatch(w -> w.timeoutSeconds() == 3)) {
      Thread.onSpinWait();
    }
    UpstreamWatchOptions supply = up.watches.stream().filter(w -> w.timeoutSeconds() == 3).findFirst().orElseThrow();
    assertThat(supply.resourceVersion()).isEqualTo(10);
    assertThat(supply.sendInitialEvents()).isFalse();
    assertThat(cacher.progressSupply().active()).isTrue();
    WatchHandler h = null;
    var options = up.watches.toArray(UpstreamWatchOptions[]::new);
    var handlers = up.handlers.toArray(WatchHandler[]::new);
    for (int i = 0; i < options.length; i++) {
      if (options[i].timeoutSeconds() == 3) {
        h = handlers[i];
        break;
      }
    }
    h.onBookmark(15, false);
    assertThat(fresh.get(10, TimeUnit.SECONDS)).isEqualTo(15L);
  }

  /** Refuses every WatchList and LIST with 403, as the apiserver answers an identity without list rights. */
  static final class ForbiddenUpstream implements ListerWatcher {
    final java.util.concurrent.atomic.AtomicInteger lists = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public CompletableFuture<UpstreamListPage> list(UpstreamListOptions request) {
      lists.incrementAndGet();
      return CompletableFuture.failedFuture(new dev.breakwater.cache.reflector.UpstreamStatusException(403, "Forbidden",
          "configmaps is forbidden: User \"bw\" cannot list resource \"configmaps\" in API group \"\" at the cluster scope"));
    }

    @Override
    public WatchStream watch(UpstreamWatchOptions request, WatchHandler handler) {
      handler.onError(new dev.breakwater.cache.reflector.UpstreamStatusException(403, "Forbidden", "forbidden"));
      return () -> { };
    }
  }

  @Test
  void aRefusedSyncWakesReadersWaitingForReadinessAndSaysRefused() throws Exception {
    ForbiddenUpstream up = new ForbiddenUpstream();
    cacher = Cacher.start(spec(), up, arrival -> new CompletableFuture<>(), Clock.systemUTC(), () -> 0.5, null, "cache-test");
    // completes (not ready: refused), so a reader's AwaitReady re-plans at once instead of timing out
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    assertThat(cacher.state().ready()).isFalse();
    assertThat(cacher.state().refused()).isTrue();
    assertThat(up.lists.get()).isEqualTo(1); // WatchList refused → one LIST, refused → long backoff, no hot retry
  }

  /** A WatchList upstream whose state the test changes behind the cache's back (no event is sent for it). */
  static final class DriftingUpstream implements ListerWatcher {
    volatile List<CachedObject> state;
    volatile long rv;

    DriftingUpstream(List<CachedObject> state, long rv) {
      this.state = state;
      this.rv = rv;
    }

    @Override
    public CompletableFuture<UpstreamListPage> list(UpstreamListOptions request) {
      return CompletableFuture.completedFuture(new UpstreamListPage(rv, "", state));
    }

    @Override
    public WatchStream watch(UpstreamWatchOptions request, WatchHandler handler) {
      if (request.sendInitialEvents()) {
        state.forEach(o -> handler.onEvent(EventType.ADDED, o));
        handler.onBookmark(rv, true);
      }
      return () -> handler.onClosed(null);
    }

    /** The Exact LIST the consistency check reads: the state now, answered at whatever RV was asked. */
    CompletableFuture<dev.breakwater.cache.reflector.UpstreamKeyPage> keys(long at, String cont, long limit) {
      return CompletableFuture.completedFuture(new dev.breakwater.cache.reflector.UpstreamKeyPage(at, "", state.stream()
          .map(o -> new dev.breakwater.cache.reflector.UpstreamKeyPage.Key(o.namespace(), o.name(), Long.toString(o.resourceVersion())))
          .toList()));
    }
  }

  @Test
  void aFailedConsistencyCheckRebuildsTheCacheAndItsWatcherSeesTheDifferenceWithoutA410() throws Exception {
    DriftingUpstream up = new DriftingUpstream(List.of(TestObjects.cm("default", "a", 5), TestObjects.cm("default", "b", 7)), 10);
    cacher = Cacher.start(spec(), up, arrival -> CompletableFuture.completedFuture(10L), Clock.systemUTC(), () -> 0.0, null,
        "cache-test");
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
    cacher.watch(new WatchCache.WatchRequest("", 10, null, false, SelectionPredicate.everything(), null),
        new dev.breakwater.cache.WatchSink() {
          @Override
          public void write(Event event) {
            seen.add(event.type() + " " + (event.object() == null ? "" : event.object().name()));
          }

          @Override
          public boolean writeQueueFull() {
            return false;
          }

          @Override
          public void drainHandler(Runnable onDrain) {}

          @Override
          public void end() {
            ends.incrementAndGet();
          }
        }).value();
    // The upstream moves on without the cache hearing of it: a lost ADDED of c and a lost DELETED of b.
    up.state = List.of(TestObjects.cm("default", "a", 5), TestObjects.cm("default", "c", 11));
    up.rv = 12;
    ConcurrentLinkedQueue<ConsistencyChecker.Outcome> outcomes = new ConcurrentLinkedQueue<>();
    cacher.checkConsistency(new ConsistencyChecker.Config(java.time.Duration.ofMillis(50), 500, java.time.Duration.ofMillis(1),
        java.time.Duration.ofSeconds(5)), up::keys, outcomes::add);
    eventually(() -> outcomes.stream().anyMatch(o -> o.result() == ConsistencyChecker.Result.MATCH));
    ConsistencyChecker.Outcome first = outcomes.peek();
    assertThat(first.result()).isEqualTo(ConsistencyChecker.Result.MISMATCH);
    assertThat(first.resourceVersion()).isEqualTo(10);
    assertThat(first.firstDifference()).isEqualTo("default/b: missing upstream (cache 7)");
    assertThat(cacher.reflector().relists()).isEqualTo(1);
    assertThat(cacher.inconsistent()).isFalse();
    assertThat(cacher.state().inconsistent()).isFalse();
    assertThat(cacher.watchCache().current().store().toString()).isEqualTo("OrderedStore[default/a, default/c]");
    // The open watcher stayed open and got the difference as ordinary events.
    eventually(() -> seen.size() >= 2);
    assertThat(seen).containsExactly("ADDED c", "DELETED b"); // in RV order: c at its own 11, the deletion at the list RV 12
    assertThat(ends).hasValue(0);
  }

  @Test
  void aCacheBeingRebuiltSaysSoUntilItsNextSync() throws Exception {
    DriftingUpstream up = new DriftingUpstream(List.of(TestObjects.cm("default", "a", 5)), 10);
    cacher = Cacher.start(spec(), up, arrival -> CompletableFuture.completedFuture(10L), Clock.systemUTC(), () -> 0.0, null,
        "cache-test");
    cacher.whenReady().get(10, TimeUnit.SECONDS);
    cacher.reflector().stop(); // so the relist below cannot run: the flag stays up
    // The stop runs on the cacher's thread after the first sync's onSynced (which clears the flag), not before.
    eventually(() -> cacher.reflector().phase() == dev.breakwater.cache.reflector.Reflector.Phase.STOPPED);
    cacher.rebuild("test");
    assertThat(cacher.state().inconsistent()).isTrue();
    assertThat(cacher.state().ready()).isTrue();
  }

  static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
