package dev.breakwater.cache.reflector;

import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.status.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reflector's state machine against a scripted in-memory upstream. The real apiserver
 * version of these scenarios is ReflectorE2ETest; this pins the transitions one by one.
 */
class ReflectorTest {

  static final ObjectExtractor EXTRACTOR = new ObjectExtractor(List.of());
  final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  static CachedObject obj(String name, long rv) {
    byte[] json = ("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\",\"resourceVersion\":\"" + rv + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    return ((Result.Ok<CachedObject>) EXTRACTOR.extract(json)).value();
  }

  /** Records store calls as strings, in order. */
  static final class RecordingStore implements ReflectorStore {
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void replace(List<CachedObject> objects, long rv) {
      calls.add("replace " + objects.stream().map(CachedObject::name).toList() + " @" + rv);
    }

    @Override
    public void add(CachedObject o) {
      calls.add("add " + o.name() + " @" + o.resourceVersion());
    }

    @Override
    public void update(CachedObject o) {
      calls.add("update " + o.name() + " @" + o.resourceVersion());
    }

    @Override
    public void delete(CachedObject o) {
      calls.add("delete " + o.name() + " @" + o.resourceVersion());
    }

    @Override
    public void updateResourceVersion(long rv) {
      calls.add("bookmark @" + rv);
    }
  }

  /** An upstream whose answers the test scripts; requests are recorded. */
  static final class ScriptedUpstream implements ListerWatcher {
    final Deque<CompletableFuture<UpstreamListPage>> lists = new ArrayDeque<>();
    final List<UpstreamListOptions> listRequests = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<UpstreamWatchOptions> watchRequests = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<WatchHandler> handlers = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile int cancelled;

    @Override
    public synchronized CompletableFuture<UpstreamListPage> list(UpstreamListOptions request) {
      listRequests.add(request);
      CompletableFuture<UpstreamListPage> f = lists.pollFirst();
      return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("no scripted LIST"));
    }

    @Override
    public WatchStream watch(UpstreamWatchOptions request, WatchHandler handler) {
      watchRequests.add(request);
      handlers.add(handler);
      return () -> cancelled++;
    }

    WatchHandler watcher(int i) {
      await(() -> handlers.size() > i);
      return handlers.get(i);
    }
  }

  static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.onSpinWait();
    }
  }

  Reflector reflector(ScriptedUpstream up, RecordingStore store, boolean watchList, long resumeFrom) {
    return new Reflector("test", up, store, executor, null, () -> 0.0, watchList, resumeFrom);
  }

  @Test
  void paginatedListThenWatchFromTheListRv() {
    ScriptedUpstream up = new ScriptedUpstream();
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(10, "c1", List.of(obj("a", 3), obj("b", 4)))));
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(10, "", List.of(obj("c", 9)))));
    RecordingStore store = new RecordingStore();
    Reflector r = reflector(up, store, false, 0);
    r.start();
    WatchHandler w = up.watcher(0);
    assertThat(up.listRequests).containsExactly(new UpstreamListOptions("", 500, null), new UpstreamListOptions("", 500, "c1"));
    assertThat(up.watchRequests.getFirst().resourceVersion()).isEqualTo(10);
    assertThat(up.watchRequests.getFirst().sendInitialEvents()).isFalse();
    assertThat(up.watchRequests.getFirst().timeoutSeconds()).isEqualTo(300);

    w.onEvent(EventType.ADDED, obj("d", 11));
    w.onEvent(EventType.MODIFIED, obj("a", 12));
    w.onBookmark(12, false); // not newer: ignored
    w.onBookmark(15, false);
    w.onEvent(EventType.DELETED, obj("b", 14)); // older than the bookmark: ignored
    w.onEvent(EventType.DELETED, obj("b", 16));
    await(() -> store.calls.size() == 5);
    assertThat(store.calls).containsExactly("replace [a, b, c] @10", "add d @11", "update a @12", "bookmark @15", "delete b @16");
    assertThat(r.lastSyncResourceVersion()).isEqualTo(10);
    assertThat(r.phase()).isEqualTo(Reflector.Phase.WATCHING);
  }

  @Test
  void watchListInitialSyncThenTheSameStreamCarriesOn() {
    ScriptedUpstream up = new ScriptedUpstream();
    RecordingStore store = new RecordingStore();
    reflector(up, store, true, 0).start();
    WatchHandler w = up.watcher(0);
    assertThat(up.watchRequests.getFirst().sendInitialEvents()).isTrue();
    w.onEvent(EventType.ADDED, obj("a", 3));
    w.onEvent(EventType.ADDED, obj("b", 5));
    w.onBookmark(20, true);
    w.onEvent(EventType.ADDED, obj("c", 21));
    await(() -> store.calls.size() == 2);
    assertThat(store.calls).containsExactly("replace [a, b] @20", "add c @21");
    assertThat(up.listRequests).isEmpty();
  }

  @Test
  void watchListRefusedFallsBackToList() {
    ScriptedUpstream up = new ScriptedUpstream();
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(7, "", List.of(obj("a", 2)))));
    RecordingStore store = new RecordingStore();
    reflector(up, store, true, 0).start();
    up.watcher(0).onError(new UpstreamStatusException(422, "Invalid", "sendInitialEvents is forbidden"));
    WatchHandler w = up.watcher(1);
    assertThat(store.calls).containsExactly("replace [a] @7");
    assertThat(up.watchRequests.get(1).resourceVersion()).isEqualTo(7);
    assertThat(up.watchRequests.get(1).sendInitialEvents()).isFalse();
    assertThat(w).isNotNull();
  }

  @Test
  void cleanEndRewatchesFromTheLastRvAtOnce() {
    ScriptedUpstream up = new ScriptedUpstream();
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(10, "", List.of())));
    RecordingStore store = new RecordingStore();
    reflector(up, store, false, 0).start();
    WatchHandler w = up.watcher(0);
    w.onEvent(EventType.ADDED, obj("a", 12));
    w.onClosed(null);
    up.watcher(1);
    assertThat(up.watchRequests.get(1).resourceVersion()).isEqualTo(12);
    // Late events of the ended stream are dropped.
    w.onEvent(EventType.ADDED, obj("late", 13));
    up.watcher(1).onEvent(EventType.ADDED, obj("b", 14));
    await(() -> store.calls.size() == 3);
    assertThat(store.calls).containsExactly("replace [] @10", "add a @12", "add b @14");
  }

  @Test
  void goneRelistsAndFailuresBackOff() {
    ScriptedUpstream up = new ScriptedUpstream();
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(10, "", List.of(obj("a", 3)))));
    up.lists.add(CompletableFuture.failedFuture(new java.io.IOException("connection refused")));
    up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(30, "", List.of(obj("a", 25)))));
    RecordingStore store = new RecordingStore();
    Reflector r = reflector(up, store, false, 0);
    r.start();
    up.watcher(0).onError(new UpstreamStatusException(410, "Expired", "too old resource version: 10 (20)"));
    // LIST fails once (backoff 800 ms with zero jitter), then succeeds and watches from 30.
    WatchHandler w = up.watcher(1);
    assertThat(r.relists()).isEqualTo(1);
    assertThat(up.listRequests).hasSize(3);
    assertThat(store.calls).containsExactly("replace [a] @10", "replace [a] @30");
    assertThat(up.watchRequests.get(1).resourceVersion()).isEqualTo(30);
    assertThat(w).isNotNull();
  }

  @Test
  void backoffStartsOverOnceTheUpstreamDeliversAgain() {
    ScriptedUpstream up = new ScriptedUpstream();
    RecordingStore store = new RecordingStore();
    Reflector r = reflector(up, store, false, 42);
    r.start();
    up.watcher(0).onClosed(new java.io.IOException("connection refused"));
    await(() -> r.lastBackoff() != null);
    assertThat(r.lastBackoff()).isEqualTo(Duration.ofMillis(800));
    up.watcher(1).onClosed(new java.io.IOException("connection refused"));
    await(() -> r.lastBackoff().equals(Duration.ofMillis(1600)));
    // Back: the resumed watch delivers a bookmark; the next outage starts from 800 ms again, not 3.2 s.
    up.watcher(2).onBookmark(50, false);
    await(() -> store.calls.contains("bookmark @50"));
    up.watcher(2).onClosed(new java.io.IOException("connection reset"));
    await(() -> up.watchRequests.size() == 4);
    assertThat(r.lastBackoff()).isEqualTo(Duration.ofMillis(800));
    assertThat(up.watchRequests).extracting(UpstreamWatchOptions::resourceVersion).containsExactly(42L, 42L, 42L, 50L);
    assertThat(up.listRequests).isEmpty();
    r.stop();
  }

  /** Holds delayed tasks (a backoff's retry) until the test runs them; runs execute() at once. */
  static final class HoldingScheduler extends java.util.concurrent.ScheduledThreadPoolExecutor {
    final List<Runnable> held = java.util.Collections.synchronizedList(new ArrayList<>());

    HoldingScheduler() {
      super(1);
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      if (delay > 0) {
        held.add(command);
        return null;
      }
      return super.schedule(command, 0, unit);
    }

    /** Runs the held tasks on the scheduler's thread, and waits. */
    void runHeld() throws Exception {
      List<Runnable> tasks = new ArrayList<>(held);
      held.clear();
      submit(() -> tasks.forEach(Runnable::run)).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void retryNowResumesABackedOffWatchAtOnceAndTheScheduledRetryIsSkipped() throws Exception {
    HoldingScheduler scheduler = new HoldingScheduler();
    try {
      ScriptedUpstream up = new ScriptedUpstream();
      Reflector r = new Reflector("test", up, new RecordingStore(), scheduler, null, () -> 0.0, false, 42);
      r.start();
      up.watcher(0).onClosed(new java.io.IOException("connection refused"));
      await(() -> r.phase() == Reflector.Phase.BACKOFF && scheduler.held.size() == 1);
      r.retryNow("upstream endpoint changed");
      up.watcher(1);
      assertThat(up.watchRequests).extracting(UpstreamWatchOptions::resourceVersion).containsExactly(42L, 42L);
      assertThat(r.phase()).isEqualTo(Reflector.Phase.WATCHING);
      scheduler.runHeld(); // the backoff's own retry: already done
      r.retryNow("again"); // not backing off: nothing to do
      scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS);
      assertThat(up.watchRequests).hasSize(2);
      assertThat(up.listRequests).isEmpty();
      // the backoff was not reset: the next failure waits 1.6 s
      up.watcher(1).onClosed(new java.io.IOException("connection refused"));
      await(() -> scheduler.held.size() == 1);
      assertThat(r.lastBackoff()).isEqualTo(Duration.ofMillis(1600));
      scheduler.runHeld();
      up.watcher(2);
      assertThat(up.watchRequests).hasSize(3);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void retryNowLeavesARefusalToItsLongBackoff() throws Exception {
    HoldingScheduler scheduler = new HoldingScheduler();
    try {
      ScriptedUpstream up = new ScriptedUpstream();
      up.lists.add(CompletableFuture.failedFuture(new UpstreamStatusException(403, "Forbidden", "configmaps is forbidden")));
      Reflector r = new Reflector("test", up, new RecordingStore(), scheduler, null, () -> 0.0, false, 0);
      r.start();
      await(() -> r.phase() == Reflector.Phase.BACKOFF && scheduler.held.size() == 1);
      r.retryNow("upstream endpoint changed");
      scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS);
      assertThat(up.listRequests).hasSize(1);
      assertThat(r.phase()).isEqualTo(Reflector.Phase.BACKOFF);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void resumeWatchesFirstAndStopCancels() {
    ScriptedUpstream up = new ScriptedUpstream();
    RecordingStore store = new RecordingStore();
    Reflector r = reflector(up, store, true, 42);
    r.start();
    up.watcher(0);
    assertThat(up.watchRequests.getFirst().resourceVersion()).isEqualTo(42);
    assertThat(up.listRequests).isEmpty();
    r.stop();
    await(() -> up.cancelled == 1);
    await(() -> r.phase() == Reflector.Phase.STOPPED);
    up.watcher(0).onEvent(EventType.ADDED, obj("after-stop", 50));
    up.watcher(0).onClosed(null);
    assertThat(store.calls).isEmpty();
    assertThat(up.handlers).hasSize(1);
  }

  /** Runs scheduled tasks at once, recording the delay each asked for (no timing in the test). */
  static final class RecordingScheduler extends java.util.concurrent.ScheduledThreadPoolExecutor {
    final List<Long> delaysMs = java.util.Collections.synchronizedList(new ArrayList<>());

    RecordingScheduler() {
      super(1);
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      if (delay > 0) { // execute() schedules with delay 0
        delaysMs.add(unit.toMillis(delay));
      }
      return super.schedule(command, 0, unit);
    }
  }

  @Test
  void refusedSyncIsReportedAndRetriedOnTheLongBackoffUntilItSucceeds() throws InterruptedException {
    RecordingScheduler scheduler = new RecordingScheduler();
    try {
      ScriptedUpstream up = new ScriptedUpstream();
      up.lists.add(CompletableFuture.failedFuture(new UpstreamStatusException(403, "Forbidden", "configmaps is forbidden")));
      up.lists.add(CompletableFuture.failedFuture(new UpstreamStatusException(401, "Unauthorized", "Unauthorized")));
      up.lists.add(CompletableFuture.failedFuture(new java.io.IOException("connection reset")));
      up.lists.add(CompletableFuture.completedFuture(new UpstreamListPage(10, "", List.of(obj("a", 3)))));
      RecordingStore store = new RecordingStore();
      List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
      Reflector r = new Reflector("test", up, store, scheduler, new Reflector.Listener() {
        @Override
        public void onSynced(long resourceVersion) {
          events.add("synced @" + resourceVersion);
        }

        @Override
        public void onRefused(UpstreamStatusException status) {
          events.add("refused " + status.code());
        }

        @Override
        public void onUpstreamFailure(String cause, UpstreamFailure kind) {
          events.add(kind.name());
        }
      }, () -> 0.0, false, 0);
      r.start();
      up.watcher(0);
      // each failure as what it says of the upstream: refusals are answers, a reset is unavailability
      assertThat(events).containsExactly("refused 403", "ANSWERED", "refused 401", "ANSWERED", "UNAVAILABLE", "synced @10");
      // refusals: 10 s, then 20 s; a connection failure keeps the ordinary 800 ms schedule
      assertThat(scheduler.delaysMs).containsExactly(10_000L, 20_000L, 800L);
      assertThat(store.calls).containsExactly("replace [a] @10");
    } finally {
      scheduler.shutdownNow();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void notFoundIsARefusalButServerErrorsAreNot() {
    assertThat(Reflector.refusal(404)).isTrue();
    assertThat(Reflector.refusal(403)).isTrue();
    assertThat(Reflector.refusal(401)).isTrue();
    assertThat(Reflector.refusal(429)).isFalse();
    assertThat(Reflector.refusal(500)).isFalse();
    assertThat(Reflector.refusal(410)).isFalse();
  }
}
