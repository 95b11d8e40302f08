package dev.breakwater.cache.cacher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.TestClock;
import dev.breakwater.cache.TestObjects;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.reflector.UpstreamKeyPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The consistency check's rounds against a fake upstream, on a manual scheduler with its own clock: match,
 * mismatch (→ one rebuild), compacted (→ skipped), paging and its pace, stop mid-round, and every bad answer
 * the upstream can give (→ error, never an exception, and the next round still runs).
 */
class ConsistencyCheckerTest {

  static final Duration INTERVAL = Duration.ofMinutes(5);

  /** Runs tasks in due-time order on the test's thread, moving {@link #clock} as it goes. */
  static final class ManualScheduler implements ConsistencyChecker.Scheduler {
    record Task(Instant due, long seq, Runnable run, boolean[] cancelled) {}

    final TestClock clock = new TestClock();
    final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due.equals(b.due) ? Long.compare(a.seq, b.seq)
        : a.due.compareTo(b.due));
    long seq;

    @Override
    public ConsistencyChecker.Cancellable schedule(Runnable task, Duration delay) {
      boolean[] cancelled = {false};
      tasks.add(new Task(clock.instant().plus(delay), seq++, task, cancelled));
      return () -> cancelled[0] = true;
    }

    /** Runs every task due within {@code d} from now, then leaves the clock at now + d. */
    void advance(Duration d) {
      Instant until = clock.instant().plus(d);
      while (!tasks.isEmpty() && !tasks.peek().due.isAfter(until)) {
        Task t = tasks.poll();
        Duration step = Duration.between(clock.instant(), t.due);
        if (!step.isNegative()) {
          clock.advance(step);
        }
        if (!t.cancelled[0]) {
          t.run.run();
        }
      }
      Duration rest = Duration.between(clock.instant(), until);
      if (!rest.isNegative()) {
        clock.advance(rest);
      }
    }

    long live() {
      return tasks.stream().filter(t -> !t.cancelled[0]).count();
    }
  }

  /** The upstream: its state per RV, paged with an index as the continue token; or an answer given by the test. */
  static final class FakeUpstream implements ConsistencyChecker.Lister {
    record Request(long resourceVersion, String continueToken, long limit) {}

    final List<Request> requests = new ArrayList<>();
    List<CachedObject> state = List.of();
    long rv;
    /** When set, answers instead of the state. */
    Function<Request, CompletableFuture<UpstreamKeyPage>> answer;

    @Override
    public CompletableFuture<UpstreamKeyPage> list(long resourceVersion, String continueToken, long limit) {
      Request r = new Request(resourceVersion, continueToken, limit);
      requests.add(r);
      if (answer != null) {
        return answer.apply(r);
      }
      if (resourceVersion != rv) {
        return CompletableFuture.failedFuture(new UpstreamStatusException(410, "Expired", "too old"));
      }
      int from = continueToken == null ? 0 : Integer.parseInt(continueToken);
      int to = (int) Math.min(state.size(), from + limit);
      List<UpstreamKeyPage.Key> keys = state.subList(from, to).stream()
          .map(o -> new UpstreamKeyPage.Key(o.namespace(), o.name(), Long.toString(o.resourceVersion()))).toList();
      return CompletableFuture.completedFuture(new UpstreamKeyPage(rv, to < state.size() ? Integer.toString(to) : "", keys));
    }
  }

  /** The cache: a real WatchCache, a sync count, and the rebuilds asked for. */
  static final class FakeTarget implements ConsistencyChecker.Target {
    final WatchCache cache;
    boolean checkable = true;
    long syncs;
    final List<String> rebuilds = new ArrayList<>();

    FakeTarget(TestClock clock) {
      cache = new WatchCache(clock);
    }

    @Override
    public Optional<WatchCache.Published> checkableState() {
      return checkable ? Optional.of(cache.current()) : Optional.empty();
    }

    @Override
    public long syncs() {
      return syncs;
    }

    @Override
    public void rebuild(String why) {
      rebuilds.add(why);
    }
  }

  final ManualScheduler scheduler = new ManualScheduler();
  final FakeUpstream upstream = new FakeUpstream();
  final FakeTarget target = new FakeTarget(scheduler.clock);
  final List<ConsistencyChecker.Outcome> outcomes = new ArrayList<>();
  double random = 0;

  ConsistencyChecker checker(ConsistencyChecker.Config config) {
    ConsistencyChecker c = new ConsistencyChecker("configmaps", config, upstream, target, scheduler, scheduler.clock,
        () -> random, outcomes::add);
    c.start();
    return c;
  }

  ConsistencyChecker checker() {
    return checker(ConsistencyChecker.Config.every(INTERVAL));
  }

  static List<CachedObject> objects(int n) {
    List<CachedObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestObjects.cm("default", String.format("cm-%03d", i), 100 + i));
    }
    return out;
  }

  void bothHave(List<CachedObject> objects, long rv) {
    target.cache.replace(objects, rv);
    upstream.state = objects;
    upstream.rv = rv;
  }

  ConsistencyChecker.Outcome only() {
    assertThat(outcomes).hasSize(1);
    return outcomes.getFirst();
  }

  @Test
  void theSameStateMatchesWithTheApiserversDigest() {
    List<CachedObject> objs = List.of(TestObjects.cm("default", "a", 5), TestObjects.cm("default", "b", 7),
        TestObjects.cm("", "node-1", 12));
    bothHave(objs, 20);
    checker();
    scheduler.advance(INTERVAL.minusSeconds(1));
    assertThat(outcomes).isEmpty(); // the first round waits one interval, as the apiserver's does
    scheduler.advance(Duration.ofSeconds(1));
    ConsistencyChecker.Outcome o = only();
    assertThat(o.result()).isEqualTo(ConsistencyChecker.Result.MATCH);
    assertThat(o.resourceVersion()).isEqualTo(20);
    assertThat(o.cacheCount()).isEqualTo(3);
    assertThat(o.upstreamCount()).isEqualTo(3);
    // Key order (default/a, default/b, node-1), as Go computed it (next test).
    assertThat(o.cacheDigest()).isEqualTo(o.upstreamDigest()).isEqualTo("e32802903eddbee3");
    assertThat(upstream.requests).containsExactly(new FakeUpstream.Request(20, null, 500));
    assertThat(target.rebuilds).isEmpty();
  }

  @Test
  void theDigestIsGosFnv64OfNamespaceNameResourceVersion() {
    // Go 1.26: h := fnv.New64(); for each of "default","/","a","/","5","default","/","b","/","7","","/","node-1","/","12":
    // h.Write; fmt.Printf("%x", h.Sum64()) → e32802903eddbee3; an empty hash → cbf29ce484222325.
    ConsistencyChecker.Fnv64 h = new ConsistencyChecker.Fnv64();
    assertThat(h.hex()).isEqualTo("cbf29ce484222325");
    h.add("default", "a", "5");
    h.add("default", "b", "7");
    h.add("", "node-1", "12");
    assertThat(h.hex()).isEqualTo("e32802903eddbee3");
  }

  @Test
  void aMissingObjectIsAMismatchNamedByKeyAndTheCacheIsRebuiltOnce() {
    List<CachedObject> objs = objects(5);
    bothHave(objs, 200);
    upstream.state = new ArrayList<>(objs);
    upstream.state.add(2, TestObjects.cm("default", "cm-001a", 150)); // an object the cache lost
    checker();
    scheduler.advance(INTERVAL);
    ConsistencyChecker.Outcome o = only();
    assertThat(o.result()).isEqualTo(ConsistencyChecker.Result.MISMATCH);
    assertThat(o.cacheCount()).isEqualTo(5);
    assertThat(o.upstreamCount()).isEqualTo(6);
    assertThat(o.cacheDigest()).isNotEqualTo(o.upstreamDigest());
    assertThat(o.firstDifference()).isEqualTo("default/cm-001a: missing in cache (upstream 150)");
    assertThat(target.rebuilds).hasSize(1);
    assertThat(target.rebuilds.getFirst()).contains("RV 200").contains("default/cm-001a");
  }

  @Test
  void aDifferentResourceVersionAndAnExtraCachedObjectAreMismatches() {
    List<CachedObject> objs = objects(3);
    bothHave(objs, 200);
    upstream.state = List.of(objs.get(0), TestObjects.cm("default", "cm-001", 190), objs.get(2));
    checker();
    scheduler.advance(INTERVAL);
    assertThat(only().firstDifference()).isEqualTo("default/cm-001: cache 101, upstream 190");

    outcomes.clear();
    upstream.state = List.of(objs.get(0), objs.get(1)); // the cache holds one the upstream deleted
    scheduler.advance(INTERVAL);
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.MISMATCH);
    assertThat(only().firstDifference()).isEqualTo("default/cm-002: missing upstream (cache 102)");
    assertThat(target.rebuilds).hasSize(2);
  }

  @Test
  void aMismatchSeenOnAStateTheCacheReplacedSinceIsCountedButNotRebuiltAgain() {
    bothHave(objects(3), 200);
    upstream.state = objects(2);
    CompletableFuture<UpstreamKeyPage> late = new CompletableFuture<>();
    FakeUpstream real = new FakeUpstream();
    real.state = upstream.state;
    real.rv = 200;
    upstream.answer = r -> late;
    checker();
    scheduler.advance(INTERVAL);
    target.syncs++; // a relist (a 410, say) refilled the cache meanwhile
    late.complete(real.list(200, null, 500).join());
    scheduler.advance(Duration.ZERO);
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.MISMATCH);
    assertThat(target.rebuilds).isEmpty();
  }

  @Test
  void aRevisionCompactedUpstreamIsSkippedNotAMismatch() {
    bothHave(objects(3), 200);
    upstream.answer = r -> CompletableFuture.failedFuture(new UpstreamStatusException(410, "Expired",
        "The resourceVersion for the provided list is too old."));
    checker();
    scheduler.advance(INTERVAL);
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.SKIPPED);
    assertThat(only().reason()).contains("compacted");
    assertThat(target.rebuilds).isEmpty();
  }

  @Test
  void aCacheNotReadyOrBeingRebuiltIsSkippedWithoutAskingTheUpstream() {
    bothHave(objects(3), 200);
    target.checkable = false;
    checker();
    scheduler.advance(INTERVAL);
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.SKIPPED);
    assertThat(upstream.requests).isEmpty();
  }

  @Test
  void pagesAreReadWithContinueOnePerPageIntervalAndTheWholeStateIsCompared() {
    List<CachedObject> objs = objects(5);
    bothHave(objs, 300);
    checker(new ConsistencyChecker.Config(INTERVAL, 2, Duration.ofMillis(250), Duration.ofSeconds(60)));
    scheduler.advance(INTERVAL);
    assertThat(upstream.requests).hasSize(1); // the next page only after the pause
    scheduler.advance(Duration.ofMillis(249));
    assertThat(upstream.requests).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(upstream.requests).hasSize(2);
    scheduler.advance(Duration.ofMillis(250));
    assertThat(upstream.requests).containsExactly(new FakeUpstream.Request(300, null, 2), new FakeUpstream.Request(300, "2", 2),
        new FakeUpstream.Request(300, "4", 2));
    ConsistencyChecker.Outcome o = only();
    assertThat(o.result()).isEqualTo(ConsistencyChecker.Result.MATCH);
    assertThat(o.pages()).isEqualTo(3);
    assertThat(o.upstreamCount()).isEqualTo(5);
    assertThat(o.took()).isEqualTo(Duration.ofMillis(500));

    // A difference on the last page only is still found.
    outcomes.clear();
    List<CachedObject> changed = new ArrayList<>(objs);
    changed.set(4, TestObjects.cm("default", "cm-004", 999));
    upstream.state = changed;
    scheduler.advance(INTERVAL.plusSeconds(1));
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.MISMATCH);
    assertThat(only().firstDifference()).isEqualTo("default/cm-004: cache 104, upstream 999");
  }

  @Test
  void theStateIsTheOneHeldAtTheRoundsStartWhileTheCacheMovesOn() {
    List<CachedObject> objs = objects(4);
    bothHave(objs, 300);
    checker(new ConsistencyChecker.Config(INTERVAL, 2, Duration.ofMillis(100), Duration.ofSeconds(60)));
    scheduler.advance(INTERVAL);
    target.cache.add(TestObjects.cm("default", "cm-003a", 301)); // after R: not part of the comparison at 300
    target.cache.delete(TestObjects.cm("default", "cm-000", 302));
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.MATCH);
  }

  @Test
  void closeCancelsTheRoundInFlightAndEveryLaterOne() {
    bothHave(objects(3), 200);
    CompletableFuture<UpstreamKeyPage> inFlight = new CompletableFuture<>();
    upstream.answer = r -> inFlight;
    ConsistencyChecker c = checker();
    scheduler.advance(INTERVAL);
    assertThat(upstream.requests).hasSize(1);
    c.close();
    inFlight.complete(new UpstreamKeyPage(200, "", List.of()));
    scheduler.advance(INTERVAL.multipliedBy(10));
    assertThat(outcomes).isEmpty();
    assertThat(upstream.requests).hasSize(1);
    assertThat(scheduler.live()).isZero();

    // closed before the first round: nothing at all
    outcomes.clear();
    ConsistencyChecker d = checker();
    d.close();
    scheduler.advance(INTERVAL.multipliedBy(10));
    assertThat(outcomes).isEmpty();
  }

  static CompletableFuture<UpstreamKeyPage> decoded(String body) {
    try {
      return CompletableFuture.completedFuture(JsonFrames.keyPage(body.getBytes(StandardCharsets.UTF_8)));
    } catch (FrameDecodeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Test
  void everyBadUpstreamAnswerIsAnErrorAndTheNextRoundStillRuns() {
    bothHave(objects(2), 200);
    String good = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"200\"},"
        + "\"items\":[{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"cm-000\","
        + "\"namespace\":\"default\",\"resourceVersion\":\"100\"}},{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
        + "\"metadata\":{\"name\":\"cm-001\",\"namespace\":\"default\",\"resourceVersion\":\"101\"}}]}";
    List<Function<FakeUpstream.Request, CompletableFuture<UpstreamKeyPage>>> answers = List.of(
        r -> CompletableFuture.failedFuture(new UpstreamStatusException(500, "InternalError", "etcdserver: leader changed")),
        r -> CompletableFuture.failedFuture(new UpstreamStatusException(503, "ServiceUnavailable", "")),
        r -> CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused")),
        r -> decoded("<html>502 Bad Gateway</html>"),
        r -> decoded(good.substring(0, good.length() / 2)), // truncated mid-stream
        r -> decoded("{\"metadata\":{\"resourceVersion\":\"200\"},\"items\":[{\"metadata\":{\"name\":\"x\"}}]}"), // no item RV
        r -> decoded("{\"metadata\":{\"resourceVersion\":\"abc\"},\"items\":[]}"),
        r -> decoded("{\"items\":[]}"), // no list RV
        r -> decoded("{\"metadata\":{\"resourceVersion\":\"199\"},\"items\":[]}"), // answered at another RV
        r -> {
          throw new IllegalStateException("the lister itself failed");
        },
        r -> new CompletableFuture<>()); // never answered: the page timeout
    upstream.answer = r -> answers.get(upstream.requests.size() - 1).apply(r);
    checker(new ConsistencyChecker.Config(INTERVAL, 500, Duration.ofMillis(100), Duration.ofSeconds(30)));
    for (int i = 0; i < 1000 && outcomes.size() < answers.size(); i++) {
      scheduler.advance(Duration.ofSeconds(10));
    }
    assertThat(outcomes).hasSize(answers.size());
    assertThat(outcomes).allSatisfy(o -> assertThat(o.result()).isEqualTo(ConsistencyChecker.Result.ERROR));
    assertThat(outcomes.get(0).reason()).contains("500");
    assertThat(outcomes.get(4).reason()).contains("malformed LIST response");
    assertThat(outcomes.get(8).reason()).contains("199");
    assertThat(outcomes.getLast().reason()).contains("not answered within PT30S");
    assertThat(target.rebuilds).isEmpty();

    // And then a good answer matches: the checker carried on.
    outcomes.clear();
    upstream.answer = r -> decoded(good);
    scheduler.advance(INTERVAL.plusSeconds(1));
    assertThat(only().result()).isEqualTo(ConsistencyChecker.Result.MATCH);
  }

  @Test
  void roundsAreJitteredBetweenOneAndOneAndAHalfIntervalsAfterTheLastEnded() {
    bothHave(objects(1), 200);
    random = 1.0;
    checker();
    scheduler.advance(INTERVAL.multipliedBy(3).dividedBy(2).minusMillis(1));
    assertThat(outcomes).isEmpty();
    random = 0.5; // the next delay is drawn when this round ends
    scheduler.advance(Duration.ofMillis(1));
    assertThat(outcomes).hasSize(1);
    scheduler.advance(INTERVAL.multipliedBy(5).dividedBy(4).minusMillis(1));
    assertThat(outcomes).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(outcomes).hasSize(2);
  }

  @Test
  void aFailureInsideTheCheckerNeverStopsIt() {
    bothHave(objects(2), 200);
    upstream.state = objects(1);
    ConsistencyChecker c = new ConsistencyChecker("configmaps", ConsistencyChecker.Config.every(INTERVAL), upstream,
        new ConsistencyChecker.Target() {
          @Override
          public Optional<WatchCache.Published> checkableState() {
            return target.checkableState();
          }

          @Override
          public long syncs() {
            return 0;
          }

          @Override
          public void rebuild(String why) {
            throw new IllegalStateException("rebuild blew up");
          }
        }, scheduler, scheduler.clock, () -> 0, o -> {
          outcomes.add(o);
          throw new IllegalStateException("observer blew up");
        });
    c.start();
    scheduler.advance(INTERVAL);
    scheduler.advance(INTERVAL);
    scheduler.advance(INTERVAL);
    assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o.result()).isEqualTo(ConsistencyChecker.Result.MISMATCH));
    assertThat(scheduler.live()).isEqualTo(1); // exactly one next round, never two
  }
}
