package dev.breakwater.cache.reflector;

import static dev.breakwater.cache.reflector.ReflectorTest.await;
import static dev.breakwater.cache.reflector.ReflectorTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.reflector.ReflectorTest.RecordingStore;
import dev.breakwater.cache.reflector.ReflectorTest.ScriptedUpstream;
import dev.breakwater.cache.watch.EventType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The progress supply against a scripted upstream: short watches from the cache's RV while demand
 * lasts, their events applied only when newer (each stream is a complete suffix), their bookmarks
 * raising the RV, each retired at its bookmark, streams of an older sync ignored, nothing after the
 * linger.
 */
class ProgressSupplyTest {

  final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @AfterEach
  void tearDown() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** A reflector synced at 10 and watching (handler 0), with its supply. */
  record Fixture(ScriptedUpstream up, RecordingStore store, Reflector reflector, ProgressSupply supply) {}

  Fixture watching() {
    return watching(nanos::get);
  }

  Fixture watching(java.util.function.LongSupplier clock) {
    ScriptedUpstream up = new ScriptedUpstream();
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(10, "", List.of(obj("a", 3)))));
    RecordingStore store = new RecordingStore();
    Reflector r = new Reflector("test", up, store, executor, null, () -> 0.0, false, 0);
    r.start();
    up.watcher(0);
    await(() -> r.phase() == Reflector.Phase.WATCHING);
    return new Fixture(up, store, r, new ProgressSupply(r, up, executor, clock));
  }

  /** The watch requests so far (the supply adds to the list concurrently). */
  static List<UpstreamWatchOptions> requests(ScriptedUpstream up) {
    synchronized (up.watchRequests) {
      return List.copyOf(up.watchRequests);
    }
  }

  @Test
  void demandOpensShortWatchesFromTheCacheRvWhoseBookmarksRaiseIt() {
    Fixture f = watching();
    WatchHandler main = f.up.watcher(0);
    main.onEvent(EventType.ADDED, obj("b", 12));
    await(() -> f.store.calls.size() == 2);
    f.supply.demand();
    f.supply.demand(); // one supply, not two
    WatchHandler first = f.up.watcher(1);
    assertThat(f.up.watchRequests.get(1)).isEqualTo(UpstreamWatchOptions.progress(12, ProgressSupply.WATCH_TIMEOUT_SECONDS));
    // the next one follows within the open interval, from the RV then
    f.up.watcher(2);
    assertThat(f.up.watchRequests.get(2).resourceVersion()).isEqualTo(12);
    assertThat(f.up.watchRequests.get(2).timeoutSeconds()).isEqualTo(3);

    // the same event on the main and a supply stream is applied once, whichever comes first
    first.onEvent(EventType.MODIFIED, obj("a", 14));
    main.onEvent(EventType.MODIFIED, obj("a", 14));
    main.onEvent(EventType.ADDED, obj("c", 15));
    first.onEvent(EventType.ADDED, obj("c", 15));
    first.onBookmark(20, false);
    await(() -> f.store.calls.size() == 5);
    assertThat(f.store.calls).containsExactly("replace [a] @10", "add b @12", "update a @14", "add c @15", "bookmark @20");
    // retired at its bookmark
    await(() -> f.up.cancelled == 1);
    assertThat(f.supply.openStreams()).as("the second stream, and any opened since").isPositive();
    assertThat(f.supply.bookmarks()).isEqualTo(1);
    // a later stream's older bookmark does not move the RV back
    f.up.watcher(2).onBookmark(18, false);
    await(() -> f.up.cancelled == 2);
    assertThat(f.store.calls).hasSize(5);
    // later streams start from the raised RV
    await(() -> requests(f.up).stream().anyMatch(w -> w.resourceVersion() == 20));
  }

  @Test
  void stopsAfterTheLingerAndOnStop() {
    Fixture f = watching();
    f.supply.demand();
    f.up.watcher(1);
    await(f.supply::active);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ProgressSupply.LINGER_MS + 1));
    await(() -> !f.supply.active());
    int opened = f.up.watchRequests.size();
    // demand again: it starts again at once
    f.supply.demand();
    f.up.watcher(opened);
    await(f.supply::active);
    f.supply.stop();
    await(() -> !f.supply.active());
    // every stream still open was cancelled; nothing opens after a stop
    long opens = f.supply.opened();
    f.supply.demand();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    executor.execute(() -> drained.complete(null));
    drained.join();
    assertThat(f.supply.opened()).isEqualTo(opens);
    assertThat(f.supply.active()).isFalse();
  }

  /**
   * A demand that lands while the supply is lingering out — after the tick found the linger over, before it marked
   * the supply inactive — saw it still active and did not start it: the tick must notice and go on.
   */
  @Test
  void aDemandRacingTheEndOfTheLingerIsNotLost() {
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    ProgressSupply[] supply = new ProgressSupply[1];
    // The tick reads the last demand, then the clock: a demand made inside that clock read is the race.
    Fixture f = watching(() -> {
      if (armed.compareAndSet(true, false)) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ProgressSupply.LINGER_MS + 1));
        supply[0].demand(); // sees active (not yet cleared): records the demand only
      }
      return nanos.get();
    });
    supply[0] = f.supply;
    f.supply.demand();
    f.up.watcher(1);
    await(f.supply::active);
    int before = requests(f.up).size();
    armed.set(true); // the next tick's clock read: the linger is over, and a demand arrives
    await(() -> !armed.get());
    // the supply carries on for the racing demand: it opens more watches and stays active
    await(() -> requests(f.up).size() > before + 1);
    assertThat(f.supply.active()).isTrue();
  }

  @Test
  void streamsOfAnEarlierSyncAreIgnoredAfterARelist() {
    Fixture f = watching();
    f.up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(30, "", List.of(obj("a", 25)))));
    f.supply.demand();
    WatchHandler old = f.up.watcher(1);
    // the main watch expires: relist at 30, then a new main watch
    f.up.watcher(0).onError(new UpstreamStatusException(410, "Expired", "too old resource version: 10 (20)"));
    await(() -> f.store.calls.contains("replace [a] @30"));
    // the old supply stream delivers a suffix the relist already covered (and may have skipped parts of)
    old.onEvent(EventType.ADDED, obj("x", 31));
    old.onBookmark(40, false);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    executor.execute(() -> drained.complete(null));
    drained.join();
    assertThat(f.store.calls).containsExactly("replace [a] @10", "replace [a] @30");
    // new streams belong to the new sync and count
    await(() -> requests(f.up).stream().anyMatch(w -> w.resourceVersion() == 30 && w.timeoutSeconds() == 3));
    int idx = 0;
    List<UpstreamWatchOptions> requests = requests(f.up);
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).resourceVersion() == 30 && requests.get(i).timeoutSeconds() == 3) {
        idx = i;
        break;
      }
    }
    f.up.watcher(idx).onEvent(EventType.ADDED, obj("y", 33));
    await(() -> f.store.calls.size() == 3);
    assertThat(f.store.calls.get(2)).isEqualTo("add y @33");
  }
}
