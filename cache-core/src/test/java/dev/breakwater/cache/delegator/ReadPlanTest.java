package dev.breakwater.cache.delegator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.TestObjects;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.WatchCache.ListRequest;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.delegator.ReadPlan.AwaitFresh;
import dev.breakwater.cache.delegator.ReadPlan.Budget;
import dev.breakwater.cache.delegator.ReadPlan.AwaitReady;
import dev.breakwater.cache.delegator.ReadPlan.Delegate;
import dev.breakwater.cache.delegator.ReadPlan.Freshness;
import dev.breakwater.cache.delegator.ReadPlan.OnTimeout;
import dev.breakwater.cache.delegator.ReadPlan.Reject;
import dev.breakwater.cache.delegator.ReadPlan.Serve;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.store.OrderedStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The complete plans of {@link ReadRouting#list}, {@link ReadRouting#get} and {@link ReadRouting#watch} — the
 * delegation table of SEMANTICS.md plus the rules the proxy's handler used to apply after it (the etcd path's
 * "RV ahead → upstream" and "consistent → upstream", readiness waits, the RV=0 limit rule, namespace pinning,
 * the watch options) — and the parsing in {@link ReadParams}, from query strings as clients send them.
 */
class ReadPlanTest {

  static final FieldLabels CM_FIELDS = FieldLabels.forKind("", "ConfigMap");
  static final ResourceScope CM = new ResourceScope("/registry/configmaps", true, CM_FIELDS, new ObjectExtractor(CM_FIELDS.jsonPaths()));
  static final ReadRoutingTest.Cache READY = ReadRoutingTest.READY; // RV 100, snapshots from 50 on
  static final ReadRoutingTest.Cache PENDING = new ReadRoutingTest.Cache(false, 0, Long.MAX_VALUE);
  static final ServingPath WC = ServingPath.WATCH_CACHE;
  static final ServingPath ETCD = ServingPath.ETCD;

  static ListQuery lq(String query, String namespace) {
    Parsed<ListQuery> p = ReadParams.list(query, namespace, CM);
    assertThat(p.ok()).as("parsed %s", query).isTrue();
    return p.value();
  }

  static String token(String start, long rv) {
    return ((Result.Ok<String>) ContinueToken.encode("/registry/configmaps/default" + start, "/registry/configmaps/default", rv)).value();
  }

  /** The ListRead the plan should carry for {@code q} on {@code path}. */
  static ListRead read(ListQuery q, ServingPath path, String startKey, long limit, boolean snapshot, long rv) {
    ContinueToken.Form form = path == ETCD ? ContinueToken.Form.ETCD : ContinueToken.Form.WATCH_CACHE;
    return new ListRead(new ListRequest(OrderedStore.namespacePrefix(q.namespace()), startKey, limit, q.predicate(), snapshot, rv),
        "/registry/configmaps", form.keyPrefix(CM.listKey(q.namespace())));
  }

  interface Expect {
    ReadPlan<ListRead> of(ListQuery q, ServingPath path);
  }

  static Arguments row(String query, ReadRoutingTest.Cache cache, ServingPath path, boolean waited, Expect expected) {
    return Arguments.of(query, cache, path, waited, expected);
  }

  static Stream<Arguments> lists() {
    return Stream.of(
        // consistent: wait for the upstream's current RV (timeout → upstream)
        row("", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE,
            new Serve<>(read(q, p, null, 0, false, 0)))),
        // a first page of at most 500: a small read (upstream after the consistent-read budget); above, or unpaginated: the proof
        row("limit=500", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE,
            new Serve<>(read(q, p, null, 500, false, 0)), Budget.SMALL)),
        row("limit=501", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE,
            new Serve<>(read(q, p, null, 501, false, 0)), Budget.PROOF)),
        // the etcd path makes the same plans (its wait differs: etcdPathFreshnessWaits)
        row("", READY, ETCD, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE,
            new Serve<>(read(q, p, null, 0, false, 0)))),
        row("limit=500", READY, ETCD, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE,
            new Serve<>(read(q, p, null, 500, false, 0)), Budget.SMALL)),
        row("limit=501", READY, ETCD, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE,
            new Serve<>(read(q, p, null, 501, false, 0)), Budget.PROOF)),
        row("limit=5&continue=" + token("/c2\u0000", -1), READY, ETCD, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0,
            OnTimeout.DELEGATE, new Serve<>(read(q, p, "default/c2\u0000", 5, false, 0)))),
        // a continue token ahead of the cache on the etcd path: upstream at once (etcd reads at its revision)
        row("limit=5&continue=" + token("/c2\u0000", 160), READY, ETCD, false, (q, p) -> new Delegate<>(
            "resourceVersion ahead on the etcd path: etcd answers 504 at once, without Retry-After")),
        // RV=0: at once; the watch-cache path ignores limit, etcd honours it
        row("resourceVersion=0&limit=500", READY, WC, false, (q, p) -> new Serve<>(read(q, p, null, 0, false, 0))),
        row("resourceVersion=0&limit=500", READY, ETCD, false, (q, p) -> new Serve<>(read(q, p, null, 500, false, 0))),
        row("resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=5", READY, WC, false, (q, p) -> new Serve<>(read(q, p, null, 0, false, 0))),
        // NotOlderThan N: current state once RV >= N; ahead: wait then 504 (watch cache), upstream at once (etcd)
        row("resourceVersion=70", READY, WC, false, (q, p) -> new Serve<>(read(q, p, null, 0, false, 70))),
        row("resourceVersion=80&resourceVersionMatch=NotOlderThan&limit=5", READY, WC, false, (q, p) -> new Serve<>(read(q, p, null, 5, false, 80))),
        row("resourceVersion=700", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.AT_LEAST, 700,
            OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>(read(q, p, null, 0, false, 700)))),
        row("resourceVersion=700", READY, ETCD, false, (q, p) -> new Delegate<>(
            "resourceVersion ahead on the etcd path: etcd answers 504 at once, without Retry-After")),
        // legacy exact (RV=N + limit) and Exact: the snapshot at N
        row("resourceVersion=70&limit=5", READY, WC, false, (q, p) -> new Serve<>(read(q, p, null, 5, true, 70))),
        row("resourceVersion=10&limit=5", READY, WC, false, (q, p) -> new Delegate<>("no snapshot at or below resourceVersion 10")),
        // a page of ≤ 500 at an RV the cache has not reached is small: upstream rather than a wait for a bookmark
        row("resourceVersion=700&limit=5", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.AT_LEAST, 700,
            OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>(read(q, p, null, 5, true, 700)), Budget.SMALL)),
        row("resourceVersion=700&limit=501", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.AT_LEAST, 700,
            OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>(read(q, p, null, 501, true, 700)))),
        row("resourceVersion=700&limit=5", READY, ETCD, false, (q, p) -> new Delegate<>(
            "resourceVersion ahead on the etcd path: etcd answers 504 at once, without Retry-After")),
        row("resourceVersion=80&resourceVersionMatch=Exact", READY, ETCD, false, (q, p) -> new Serve<>(read(q, p, null, 0, true, 80))),
        row("resourceVersion=180&resourceVersionMatch=Exact", READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.AT_LEAST, 180,
            OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>(read(q, p, null, 0, true, 180)))),
        row("resourceVersion=00&limit=5", READY, WC, false, (q, p) -> new Delegate<>("no snapshot at or below resourceVersion 0")),
        // continue: rv>0 → the snapshot at rv from the token's key; rv<0 → consistent from the key
        row("limit=5&continue=" + token("/c2\u0000", 60), READY, WC, false,
            (q, p) -> new Serve<>(read(q, p, "default/c2\u0000", 5, true, 60))),
        // a continue token the upstream minted, ahead of the cache: a small page, upstream rather than a bookmark's wait
        row("limit=5&continue=" + token("/c2\u0000", 160), READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.AT_LEAST, 160,
            OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>(read(q, p, "default/c2\u0000", 5, true, 160)), Budget.SMALL)),
        row("limit=5&continue=" + token("/c2\u0000", -1), READY, WC, false, (q, p) -> new AwaitFresh<>(Freshness.CONSISTENT, 0,
            OnTimeout.DELEGATE, new Serve<>(read(q, p, "default/c2\u0000", 5, false, 0)))),
        // the apiserver's validation comes first
        row("resourceVersionMatch=Exact", READY, WC, false, (q, p) -> new Reject<>(ReadRouting.listDecision(q.params(), READY, p)
            instanceof ListDecision.Reject r ? r.status() : null)),
        // unready: a paginated LIST without selectors would go to etcd — it waits for readiness first, then goes
        // upstream; everything else waits, then 429
        row("limit=500", PENDING, WC, false, (q, p) -> new AwaitReady<>()),
        row("limit=500", PENDING, WC, true, (q, p) -> new Delegate<>("cache not ready; paginated list without selectors goes to storage")),
        row("limit=500&shardSelector=shardRange(object.metadata.uid,'0x0000000000000000','0x8000000000000000')", PENDING, WC, true,
            (q, p) -> new Reject<>(ReadRoutingTest.UNREADY)),
        row("resourceVersion=0", PENDING, WC, false, (q, p) -> new AwaitReady<>()),
        row("resourceVersion=0", PENDING, WC, true, (q, p) -> new Reject<>(ReadRoutingTest.UNREADY)),
        row("labelSelector=app%3Dx&limit=500", PENDING, WC, true, (q, p) -> new Reject<>(ReadRoutingTest.UNREADY)),
        row("resourceVersion=abc", PENDING, WC, false, (q, p) -> new AwaitReady<>()),
        row("resourceVersion=abc", PENDING, WC, true, (q, p) -> new Delegate<>("resourceVersion is not a uint64")),
        row("resourceVersion=abc", READY, WC, false, (q, p) -> new Delegate<>("resourceVersion is not a uint64")));
  }

  @ParameterizedTest(name = "[{index}] LIST ?{0} ready={1} on {2} waited={3}")
  @MethodSource("lists")
  void listPlans(String query, ReadRoutingTest.Cache cache, ServingPath path, boolean waited, Expect expected) {
    ListQuery q = lq(query, "default");
    assertThat(ReadRouting.list(q, cache, path, waited)).isEqualTo(expected.of(q, path));
  }

  @Test
  void onlyReadsThatWaitLongerThanTheBookmarkTickDemandProgress() {
    assertThat(ReadPlan.demandsProgress(ReadPlan.Budget.PROOF, 0)).isTrue();
    assertThat(ReadPlan.demandsProgress(ReadPlan.Budget.SMALL, 5)).isFalse();
    assertThat(ReadPlan.demandsProgress(ReadPlan.Budget.SMALL, ReadPlan.BOOKMARK_TICK_MS)).isFalse();
    assertThat(ReadPlan.demandsProgress(ReadPlan.Budget.SMALL, ReadPlan.BOOKMARK_TICK_MS + 1)).isTrue();
  }

  /** A ready cache whose feed has been unavailable for {@code down}. */
  record DownCache(Duration down) implements CacheState {
    @Override public boolean ready() { return true; }
    @Override public long resourceVersion() { return 100; }
    @Override public boolean hasSnapshotAtOrBelow(long rv) { return rv >= 50; }
    @Override public Duration upstreamUnavailableFor() { return down; }
    @Override public ApiStatus unreadyStatus() { return ReadRoutingTest.UNREADY; }
  }

  static final StaleReads STALE = StaleReads.onOutage(true);

  static Stream<Arguments> freshnessWaits() {
    var consistentSmall = new AwaitFresh<String>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>("r"), Budget.SMALL);
    var consistentLarge = new AwaitFresh<String>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>("r"));
    var atLeast = new AwaitFresh<String>(Freshness.AT_LEAST, 120, OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>("r"));
    var smallAhead = new AwaitFresh<String>(Freshness.AT_LEAST, 120, OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>("r"), Budget.SMALL);
    var up = new DownCache(Duration.ZERO);
    var down = new DownCache(Duration.ofSeconds(6));
    var blip = new DownCache(Duration.ofSeconds(2));
    long tick = ReadPlan.BOOKMARK_TICK_MS;
    return Stream.of(
        // the default budget 0: small consistent reads go upstream at once, no probe
        Arguments.of(consistentSmall, up, StaleReads.OFF, 0L,
            new FreshnessWait.Upstream("small consistent read, no budget")),
        Arguments.of(consistentSmall, up, StaleReads.OFF, -5L,
            new FreshnessWait.Upstream("small consistent read, no budget")),
        // a budget shorter than the bookmark tick waits without demanding bookmarks; a longer one demands them
        Arguments.of(consistentSmall, up, StaleReads.OFF, 5L, new FreshnessWait.Bounded(5, false, OnTimeout.DELEGATE)),
        Arguments.of(consistentSmall, up, StaleReads.OFF, tick, new FreshnessWait.Bounded(tick, false, OnTimeout.DELEGATE)),
        Arguments.of(consistentSmall, up, StaleReads.OFF, 3000L, new FreshnessWait.Bounded(3000, true, OnTimeout.DELEGATE)),
        // an outage with --serve-stale-on-outage: small reads probe and wait like large ones, so they can be served stale
        Arguments.of(consistentSmall, down, STALE, 0L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, OnTimeout.DELEGATE)),
        // ... but not without the flag, nor for an outage shorter than its threshold
        Arguments.of(consistentSmall, down, StaleReads.OFF, 0L,
            new FreshnessWait.Upstream("small consistent read, no budget")),
        Arguments.of(consistentSmall, blip, STALE, 0L,
            new FreshnessWait.Upstream("small consistent read, no budget")),
        // large consistent reads always wait for the proof, demanding bookmarks, whatever the budget
        Arguments.of(consistentLarge, up, StaleReads.OFF, 0L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, OnTimeout.DELEGATE)),
        Arguments.of(consistentLarge, up, StaleReads.OFF, 5L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, OnTimeout.DELEGATE)),
        // a large read at an RV the cache has not reached waits Go's blockTimeout for it, demanding bookmarks, then 504s
        Arguments.of(atLeast, up, StaleReads.OFF, 0L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, OnTimeout.TOO_LARGE_RESOURCE_VERSION)),
        Arguments.of(atLeast, down, STALE, 3000L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, OnTimeout.TOO_LARGE_RESOURCE_VERSION)),
        // a small one (a continue page or GET at an RV the upstream minted) goes upstream rather than wait for a bookmark:
        // at once by default, after its budget otherwise — never the 504 of a wait the apiserver would not have made
        Arguments.of(smallAhead, up, StaleReads.OFF, 0L, new FreshnessWait.Upstream("small read ahead of the cache, no budget")),
        Arguments.of(smallAhead, down, STALE, 0L, new FreshnessWait.Upstream("small read ahead of the cache, no budget")),
        Arguments.of(smallAhead, up, StaleReads.OFF, 5L, new FreshnessWait.Bounded(5, false, OnTimeout.DELEGATE)),
        Arguments.of(smallAhead, up, StaleReads.OFF, 3000L, new FreshnessWait.Bounded(3000, true, OnTimeout.DELEGATE)));
  }

  @ParameterizedTest
  @MethodSource("freshnessWaits")
  void theEdgeWaitsForFreshnessAsTheBudgetAndOutageSay(AwaitFresh<String> wait, CacheState cache, StaleReads stale,
      long budgetMs, FreshnessWait expected) {
    assertThat(ReadRouting.freshnessWait(wait, cache, stale, budgetMs)).isEqualTo(expected);
  }

  /** A ready cache at RV 100 whose feed delivered its last event {@code since} ago, unavailable for {@code down}. */
  record EventsCache(Duration since, Duration down) implements CacheState {
    @Override public boolean ready() { return true; }
    @Override public long resourceVersion() { return 100; }
    @Override public boolean hasSnapshotAtOrBelow(long rv) { return rv >= 50; }
    @Override public Duration sinceLastEvent() { return since; }
    @Override public Duration upstreamUnavailableFor() { return down; }
    @Override public ApiStatus unreadyStatus() { return ReadRoutingTest.UNREADY; }
  }

  static Stream<Arguments> etcdPathFreshnessWaits() {
    var consistentSmall = new AwaitFresh<String>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>("r"), Budget.SMALL);
    var consistentLarge = new AwaitFresh<String>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>("r"));
    var atLeast = new AwaitFresh<String>(Freshness.AT_LEAST, 120, OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>("r"));
    long w = ReadPlan.ETCD_PATH_WAIT_MS;
    var busy = new EventsCache(Duration.ofMillis(40), Duration.ZERO);
    var justInTime = new EventsCache(Duration.ofMillis(w), Duration.ZERO);
    var quiet = new EventsCache(Duration.ofMillis(w + 1), Duration.ZERO);
    var never = new EventsCache(CacheState.NO_EVENT, Duration.ZERO);
    var down = new EventsCache(Duration.ofMinutes(1), Duration.ofSeconds(6));
    String quietWhy = "etcd path: no event within " + w + " ms, and only the next one can prove the cache fresh";
    return Stream.of(
        // a large consistent read on a busy resource waits for the feed's next event, never demanding bookmarks
        Arguments.of(consistentLarge, busy, StaleReads.OFF, 0L, new FreshnessWait.Bounded(w, false, OnTimeout.DELEGATE)),
        Arguments.of(consistentLarge, justInTime, StaleReads.OFF, 3000L, new FreshnessWait.Bounded(w, false, OnTimeout.DELEGATE)),
        // on a quiet one (or one that never had an event) it goes upstream at once, without a probe
        Arguments.of(consistentLarge, quiet, StaleReads.OFF, 0L, new FreshnessWait.Upstream(quietWhy)),
        Arguments.of(consistentLarge, never, StaleReads.OFF, 0L, new FreshnessWait.Upstream(quietWhy)),
        // small consistent reads: upstream by default, as on the watch-cache path
        Arguments.of(consistentSmall, busy, StaleReads.OFF, 0L, new FreshnessWait.Upstream("small consistent read, no budget")),
        // with a budget: wait for it on a busy resource, even a budget longer than the bookmark tick demands nothing
        Arguments.of(consistentSmall, busy, StaleReads.OFF, 5L, new FreshnessWait.Bounded(5, false, OnTimeout.DELEGATE)),
        Arguments.of(consistentSmall, busy, StaleReads.OFF, 3000L, new FreshnessWait.Bounded(3000, false, OnTimeout.DELEGATE)),
        Arguments.of(consistentSmall, quiet, StaleReads.OFF, 3000L, new FreshnessWait.Upstream(quietWhy)),
        // an outage under --serve-stale-on-outage: probe and wait Go's blockTimeout (the probe fails: served stale)
        Arguments.of(consistentLarge, down, STALE, 0L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, false, OnTimeout.DELEGATE)),
        Arguments.of(consistentSmall, down, STALE, 0L,
            new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, false, OnTimeout.DELEGATE)),
        // ... and without the flag a quiet resource's read goes upstream (whose error the client then gets)
        Arguments.of(consistentLarge, down, StaleReads.OFF, 0L, new FreshnessWait.Upstream(quietWhy)),
        // a wait for an RV keeps its timeout's answer
        Arguments.of(atLeast, busy, StaleReads.OFF, 0L, new FreshnessWait.Bounded(w, false, OnTimeout.TOO_LARGE_RESOURCE_VERSION)));
  }

  @ParameterizedTest
  @MethodSource("etcdPathFreshnessWaits")
  void onTheEtcdPathOnlyTheFeedsNextEventIsWaitedFor(AwaitFresh<String> wait, CacheState cache, StaleReads stale,
      long budgetMs, FreshnessWait expected) {
    assertThat(ReadRouting.freshnessWait(wait, cache, ETCD, stale, budgetMs)).isEqualTo(expected);
  }

  @Test
  void theWatchCachePathsWaitIgnoresHowRecentTheLastEventWas() {
    var consistentLarge = new AwaitFresh<String>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>("r"));
    var quiet = new EventsCache(CacheState.NO_EVENT, Duration.ZERO);
    assertThat(ReadRouting.freshnessWait(consistentLarge, quiet, WC, StaleReads.OFF, 0))
        .isEqualTo(new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, OnTimeout.DELEGATE));
  }

  @Test
  void anotherBreakwatersProgressWatchesDemandFreshBookmarksAndOtherWatchesDoNot() {
    // another Breakwater's progress watches: timeoutSeconds=3 with bookmarks, marked
    assertThat(ReadRouting.wantsFreshBookmarks(wq("watch=1&timeoutSeconds=3&allowWatchBookmarks=true", 0.5).request(), NOW, true)).isTrue();
    assertThat(ReadRouting.wantsFreshBookmarks(wq("watch=1&timeoutSeconds=10&allowWatchBookmarks=true", 0.5).request(), NOW, true)).isTrue();
    assertThat(ReadRouting.wantsFreshBookmarks(wq("watch=1&timeoutSeconds=11&allowWatchBookmarks=true", 0.5).request(), NOW, true)).isFalse();
    assertThat(ReadRouting.wantsFreshBookmarks(wq("watch=1&timeoutSeconds=3", 0.5).request(), NOW, true)).isFalse();
    // an unmarked client's short watch, or an informer's long one (no timeout: 30–60 min)
    assertThat(ReadRouting.wantsFreshBookmarks(wq("watch=1&timeoutSeconds=3&allowWatchBookmarks=true", 0.5).request(), NOW, false)).isFalse();
    assertThat(ReadRouting.wantsFreshBookmarks(wq("watch=1&allowWatchBookmarks=true", 0.0).request(), NOW, true)).isFalse();
  }

  @Test
  void listParsingRejectsAndDelegatesAsTheApiserverWords() {
    assertThat(ReadParams.list("limit=abc", "default", CM).<ListRead>failure())
        .isEqualTo(new Reject<>(ApiStatus.badRequest("strconv.ParseInt: parsing \"abc\": invalid syntax")));
    assertThat(ReadParams.list("limit=-1", "default", CM).ok()).isTrue(); // -1 = no limit
    Parsed<ListQuery> badLabel = ReadParams.list("labelSelector=a%20in", "default", CM);
    assertThat(badLabel.reject().code()).isEqualTo(400);
    assertThat(badLabel.<ListRead>failure()).isEqualTo(new Reject<>(badLabel.reject()));
    Parsed<ListQuery> badField = ReadParams.list("fieldSelector=a", "default", CM);
    assertThat(badField.reject().code()).isEqualTo(400);
    // an unknown field label: the text differs by kind and CRD, upstream words it
    assertThat(ReadParams.list("fieldSelector=spec.foo%3Dx", "default", CM).failure()).isInstanceOf(Delegate.class);
    // sendInitialEvents on a LIST is the apiserver's 422, worded here
    ListQuery sie = lq("sendInitialEvents=true", "default");
    assertThat(((Reject<ListRead>) ReadRouting.list(sie, READY, WC, false)).status().code()).isEqualTo(422);
  }

  @Test
  void aClusterWideFieldSelectorOnTheNamespacePinsThePageOneListOnly() {
    ListQuery pinned = lq("fieldSelector=metadata.namespace%3Dkube-system&limit=2&resourceVersion=70", "");
    assertThat(pinned.namespace()).isEqualTo("kube-system");
    Serve<ListRead> s = (Serve<ListRead>) ReadRouting.list(pinned, READY, WC, false);
    assertThat(s.read().request().prefix()).isEqualTo("kube-system/");
    // the token is relative to the namespace's key (the apiserver's quirk: page 2 decodes it cluster-wide)
    WatchCache.ListResult page = new WatchCache.ListResult(new dev.breakwater.cache.store.ListPage(
        List.of(TestObjects.cm("kube-system", "c1", 5)), "kube-system/c1\u0000", null), 70, true);
    String t = s.read().continueToken(page).value().orElseThrow();
    assertThat(new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8))
        .isEqualTo("{\"v\":\"meta.k8s.io/v1\",\"rv\":70,\"start\":\"/c1\\u0000\"}");
    // with a continue token, or an invalid namespace, nothing is pinned
    assertThat(lq("fieldSelector=metadata.namespace%3Dkube-system&continue=" + token("/c2\u0000", 60), "").namespace()).isEmpty();
    assertThat(lq("fieldSelector=metadata.namespace%3DBad_NS", "").namespace()).isEmpty();
    assertThat(lq("fieldSelector=metadata.namespace%3Dkube-system", "default").namespace()).isEqualTo("default");
  }

  @Test
  void etcdPathTokensAreInTheEtcdForm() {
    Serve<ListRead> s = (Serve<ListRead>) ReadRouting.list(lq("resourceVersion=70&limit=1", "default"), READY, ETCD, false);
    WatchCache.ListResult page = new WatchCache.ListResult(new dev.breakwater.cache.store.ListPage(
        List.of(TestObjects.cm("default", "a", 5)), "default/a\u0000", 1L), 70, true);
    String t = s.read().continueToken(page).value().orElseThrow();
    assertThat(new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8)).endsWith("\"start\":\"a\\u0000\"}");
    assertThat(s.read().continueToken(new WatchCache.ListResult(new dev.breakwater.cache.store.ListPage(List.of(), null, null), 70, true))
        .value()).isEmpty();
  }

  // ---- GET ----

  static Stream<Arguments> gets() {
    GetRead a = new GetRead("default/a", "a", 0);
    return Stream.of(
        Arguments.of("", READY, WC, false, new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>(a), Budget.SMALL)),
        Arguments.of("", READY, ETCD, false, new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>(a), Budget.SMALL)),
        Arguments.of("resourceVersion=0", READY, WC, false, new Serve<>(a)),
        Arguments.of("resourceVersion=0", READY, ETCD, false, new Serve<>(a)),
        Arguments.of("resourceVersion=70&resourceVersionMatch=Exact", READY, WC, false, new Serve<>(a.atResourceVersion(70))),
        Arguments.of("resourceVersion=700", READY, WC, false, new AwaitFresh<>(Freshness.AT_LEAST, 700,
            OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>(a.atResourceVersion(700)), Budget.SMALL)),
        Arguments.of("resourceVersion=700", READY, ETCD, false, new Delegate<GetRead>("resourceVersion ahead on the etcd path")),
        Arguments.of("resourceVersion=abc", READY, WC, false, new Delegate<GetRead>("resourceVersion is not a uint64: the apiserver's 500")),
        Arguments.of("resourceVersion=0", PENDING, WC, false, new AwaitReady<GetRead>()),
        Arguments.of("resourceVersion=0", PENDING, WC, true, new Delegate<GetRead>("cache not ready: GET goes to storage")));
  }

  @ParameterizedTest(name = "[{index}] GET ?{0} ready={1} on {2} waited={3}")
  @MethodSource("gets")
  void getPlans(String query, ReadRoutingTest.Cache cache, ServingPath path, boolean waited, ReadPlan<GetRead> expected) {
    assertThat(ReadRouting.get(ReadParams.get(query, "default", "a").value(), cache, path, waited)).isEqualTo(expected);
  }

  @Test
  void getKeys() {
    assertThat(ReadParams.get("", "default", "a").value().key()).isEqualTo("default/a");
    assertThat(ReadParams.get("", "", "node-1").value().key()).isEqualTo("node-1");
  }

  // ---- WATCH ----

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final InstantSource CLOCK = InstantSource.fixed(NOW);

  static WatchQuery wq(String query, double random) {
    Parsed<WatchQuery> p = ReadParams.watch(query, "default", CM, CLOCK, () -> random);
    assertThat(p.ok()).as("parsed %s: %s", query, p.delegate()).isTrue();
    return p.value();
  }

  @Test
  void watchPlans() {
    WatchQuery unset = wq("watch=1", 0.5);
    assertThat(ReadRouting.watch(unset, READY, WC, false))
        .isEqualTo(new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>(unset.request())));
    WatchQuery zero = wq("watch=1&resourceVersion=0", 0.5);
    assertThat(ReadRouting.watch(zero, READY, WC, false)).isEqualTo(new Serve<>(zero.request()));
    WatchQuery from = wq("watch=1&resourceVersion=50", 0.5);
    assertThat(ReadRouting.watch(from, READY, WC, false)).isEqualTo(new Serve<>(from.request()));
    WatchQuery ahead = wq("watch=1&resourceVersion=700", 0.5); // silent until reached, as the apiserver's
    assertThat(ReadRouting.watch(ahead, READY, WC, false)).isEqualTo(new Serve<>(ahead.request()));
    WatchQuery listAhead = wq("watch=1&resourceVersion=700&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", 0.5);
    assertThat(ReadRouting.watch(listAhead, READY, WC, false))
        .isEqualTo(new AwaitFresh<>(Freshness.AT_LEAST, 700, OnTimeout.DELEGATE, new Serve<>(listAhead.request())));
    WatchQuery listAt = wq("watch=1&resourceVersion=70&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", 0.5);
    assertThat(ReadRouting.watch(listAt, READY, WC, false)).isEqualTo(new Serve<>(listAt.request()));
    // sendInitialEvents=false: from the upstream's current RV (unset), the cache's (0), or N; no initial state
    WatchQuery noInitial = wq("watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan", 0.5);
    assertThat(noInitial.watchList()).isFalse();
    assertThat(noInitial.request().sendInitialEvents()).isFalse();
    assertThat(ReadRouting.watch(noInitial, READY, WC, false))
        .isEqualTo(new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>(noInitial.request())));
    assertThat(noInitial.request().from(70).resourceVersion()).isEqualTo(70);
    for (String rv : List.of("0", "50", "700")) {
      WatchQuery q = wq("watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=" + rv, 0.5);
      assertThat(q.consistent()).as(rv).isFalse();
      assertThat(ReadRouting.watch(q, READY, WC, false)).as(rv).isEqualTo(new Serve<>(q.request()));
    }
    // the etcd path: consistent watches wait for the proof (a WatchList, or sendInitialEvents=false from the current RV);
    // watches from an RV or RV 0 go upstream (etcd's history and 410s)
    assertThat(ReadRouting.watch(unset, READY, ETCD, false))
        .isEqualTo(new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>(unset.request())));
    assertThat(ReadRouting.watch(noInitial, READY, ETCD, false))
        .isEqualTo(new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>(noInitial.request())));
    assertThat(ReadRouting.watch(wq("watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true", 0.5),
        PENDING, ETCD, false)).isEqualTo(new AwaitReady<>());
    for (WatchQuery q : List.of(zero, from, ahead, listAhead, listAt)) {
      assertThat(ReadRouting.watch(q, READY, ETCD, false)).as(q.toString())
          .isEqualTo(new Delegate<>("watch from a resourceVersion on the etcd path"));
    }
    // continue, readiness
    assertThat(ReadRouting.watch(wq("watch=1&resourceVersion=5&continue=x", 0.5), READY, WC, false)).isInstanceOf(Delegate.class);
    assertThat(ReadParams.watch("watch=1&continue=x", "default", CM, CLOCK, () -> 0.5).reject().code()).isEqualTo(422);
    assertThat(ReadRouting.watch(zero, PENDING, WC, false)).isEqualTo(new AwaitReady<>());
    assertThat(ReadRouting.watch(zero, PENDING, WC, true)).isEqualTo(new Reject<>(ReadRoutingTest.UNREADY));
  }

  @Test
  void watchRequestsAreParsedAsTheApiserverDefaultsThem() {
    WatchCache.WatchRequest unset = wq("watch=1", 0.5).request();
    assertThat(unset.prefix()).isEqualTo("default/");
    assertThat(unset.resourceVersion()).isZero();
    assertThat(unset.sendInitialEvents()).isTrue(); // RV unset or 0: a WatchList in 1.36
    assertThat(unset.allowBookmarks()).isFalse();
    assertThat(wq("watch=1", 0.5).consistent()).isTrue();
    assertThat(wq("watch=1&resourceVersion=0", 0.5).consistent()).isFalse();
    WatchCache.WatchRequest from = wq("watch=1&resourceVersion=50&allowWatchBookmarks=true", 0.5).request();
    assertThat(from.sendInitialEvents()).isNull();
    assertThat(from.resourceVersion()).isEqualTo(50);
    assertThat(from.allowBookmarks()).isTrue();
    assertThat(wq("watch=1&allowWatchBookmarks=1", 0).request().allowBookmarks()).isTrue();
    // Convert_Slice_string_To_bool: only 0 and any case of false are false
    assertThat(wq("watch=1&allowWatchBookmarks=True", 0).request().allowBookmarks()).isTrue();
    assertThat(wq("watch=1&allowWatchBookmarks=yes", 0).request().allowBookmarks()).isTrue();
    assertThat(wq("watch=1&allowWatchBookmarks=", 0).request().allowBookmarks()).isTrue();
    assertThat(wq("watch=1&allowWatchBookmarks=FALSE", 0).request().allowBookmarks()).isFalse();
    assertThat(wq("watch=1&allowWatchBookmarks=0", 0).request().allowBookmarks()).isFalse();
    // timeoutSeconds: unset or 0 → 1800 s × [1, 2) from the injected draw; else as given
    assertThat(wq("watch=1", 0.5).request().deadline()).isEqualTo(NOW.plusSeconds(2700));
    assertThat(wq("watch=1&timeoutSeconds=0", 0).request().deadline()).isEqualTo(NOW.plusSeconds(1800));
    assertThat(wq("watch=1&timeoutSeconds=10", 0.9).request().deadline()).isEqualTo(NOW.plusSeconds(10));
  }

  @Test
  void invalidWatchOptionsAreRejectedAsTheApiserverWordsThemOrGoUpstream() {
    for (String q : List.of("watch=1&sendInitialEvents=true", "watch=1&resourceVersionMatch=NotOlderThan",
        "watch=1&resourceVersion=5&sendInitialEvents=true&resourceVersionMatch=Exact")) {
      Parsed<WatchQuery> p = ReadParams.watch(q, "default", CM, CLOCK, () -> 0.5);
      assertThat(p.reject()).as(q).isNotNull();
      assertThat(p.reject().code()).as(q).isEqualTo(422);
    }
    for (String q : List.of("watch=1&timeoutSeconds=abc", "watch=1&labelSelector=a%20in", "watch=1&limit=")) {
      Parsed<WatchQuery> p = ReadParams.watch(q, "default", CM, CLOCK, () -> 0.5);
      assertThat(p.reject()).as(q).isNotNull();
      assertThat(p.reject().code()).as(q).isEqualTo(400);
    }
    assertThat(ReadParams.watch("watch=1&sendInitialEvents=yes&resourceVersionMatch=NotOlderThan", "default", CM, CLOCK, () -> 0.5)
        .value().watchList()).isTrue();
    for (String q : List.of("watch=1&resourceVersion=abc", "watch=1&timeoutSeconds=-1", "watch=1&fieldSelector=spec.foo%3Dx")) {
      Parsed<WatchQuery> p = ReadParams.watch(q, "default", CM, CLOCK, () -> 0.5);
      assertThat(p.ok()).as(q).isFalse();
      assertThat(p.<WatchCache.WatchRequest>failure()).as(q).isInstanceOf(Delegate.class);
    }
  }
}
