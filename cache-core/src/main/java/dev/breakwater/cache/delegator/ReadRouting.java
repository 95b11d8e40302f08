package dev.breakwater.cache.delegator;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.FieldError;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * The one routing decision for reads, one pure function per verb — {@link #list}, {@link #get},
 * {@link #watch} — each returning the complete {@link ReadPlan}: reject, delegate upstream, wait for
 * readiness, wait for freshness, or serve this read. The apiserver's {@code delegator.ShouldDelegateList}
 * + {@code CacheDelegator.GetList/Get/Watch} (k8s.io/apiserver/pkg/storage/cacher/delegator/interface.go,
 * delegator.go), preceded by the checks the apiserver makes before storage sees a LIST:
 * {@code ValidateListOptions} (apimachinery meta/internalversion/validation, 422) and
 * {@code storage.ValidateListOptions} (400s for continue tokens and resource versions). Query
 * parsing is {@link ReadParams}'s.
 *
 * <p>The LIST table ({@link #listDecision}; SEMANTICS.md, verified on 1.36.3):
 * <pre>
 *  RVM        RV      continue  limit  → decision
 *  ""         ""      -         any    → Consistent (cache once fresh; timeout → upstream)
 *  ""         "0"     -         any    → NotOlderThan(0); limit ignored on the watch-cache path
 *  ""         N       -         0      → NotOlderThan(N)
 *  ""         N       -         &gt;0     → Exact(N) (legacy exact)
 *  ""         ""|"0"  rv&gt;0      any    → Exact(rv) from the token's key
 *  ""         ""|"0"  rv&lt;0      any    → Consistent from the token's key
 *  NotOlderThan N|0   -         any    → NotOlderThan(N)
 *  Exact      N       -         any    → Exact(N)
 *  Exact/legacy, no snapshot ≤ N       → upstream (etcd answers exactly or 410)
 * </pre>
 * and the plan {@link #list} makes of it:
 * <pre>
 *  decision         not ready                               etcd path                  → plan
 *  Reject           -                                       -                          → Reject
 *  Delegate         not waited → AwaitReady, then again     -                          → Delegate
 *  other            not waited → AwaitReady; waited → 429   -                          → …
 *  Consistent       -                                       the same plan (the wait     AwaitFresh(CONSISTENT,
 *                                                             differs: freshnessWait)   timeout → upstream;
 *                                                                                       first page, limit ≤ 500:
 *                                                                                       Budget.SMALL, else PROOF)
 *  NotOlderThan(N)  -                                       N &gt; cache RV → Delegate    Serve current (N ≤ cache RV)
 *                                                             (etcd: 504 at once)       or AwaitFresh(N, timeout → 504)
 *  Exact(N)         -                                       N &gt; cache RV → Delegate    Serve snapshot ≤ N, same wait
 * </pre>
 * Not ready and a paginated LIST without selectors: the apiserver goes to etcd (KEP-4568); a proxy
 * that did so would hand a relist storm to the upstream — and the RVs of those answers would start
 * the informers' watches below the cache's window — so it waits for readiness first (bounded), and
 * only a cache that stays unready sends them upstream.
 *
 * <p>Pure: a function of its arguments; safe from any thread.
 */
public final class ReadRouting {

  private ReadRouting() {}

  /**
   * What comes before a verb's plan: a cache whose upstream LIST is refused (401/403/404) and that has
   * not synced since sends every read upstream at once — the upstream's answer is the exact one, and it
   * authorizes before it parses, so even a query the edge would reject goes there; then a failed parse's
   * Reject or Delegate. A cache being rebuilt after a failed consistency check ({@link CacheState#inconsistent})
   * sends every read upstream too, before parsing: the upstream's answer is exact. Null: make the verb's plan
   * ({@link #list}, {@link #get}, {@link #watch}).
   */
  public static <R> ReadPlan<R> admit(Parsed<?> parsed, CacheState cache) {
    if (!cache.ready() && cache.refused()) {
      return new ReadPlan.Delegate<>("the upstream refuses this cache's LIST: it answers the reader");
    }
    if (cache.inconsistent()) {
      return new ReadPlan.Delegate<>("the cache failed its consistency check and is being rebuilt: the upstream answers");
    }
    return parsed.ok() ? null : parsed.failure();
  }

  /** The LIST routing table above: the apiserver's delegation decision, before readiness and the serving path's rules. */
  public static ListDecision listDecision(ListParams p, CacheState cache, ServingPath path) {
    List<FieldError> invalid = validateListOptions(p);
    if (!invalid.isEmpty()) {
      return new ListDecision.Reject(ApiStatus.invalidListOptions(invalid));
    }
    // Store.ListPredicate: the shard selector (ShardedListAndWatch), before storage sees the LIST.
    if (p.shardError() != null) {
      return new ListDecision.Reject(p.shardError());
    }
    // storage.ValidateListOptions: continue first, then the RV's syntax.
    ContinueToken token = null;
    if (!p.continueToken().isEmpty()) {
      Result<ContinueToken> decoded = ContinueToken.decode(p.continueToken(), ContinueToken.Form.ETCD.keyPrefix(p.listKey()));
      if (decoded instanceof Result.Err<ContinueToken> err) {
        return new ListDecision.Reject(err.status());
      }
      if (!p.resourceVersion().isEmpty() && !p.resourceVersion().equals("0")) {
        return new ListDecision.Reject(ApiStatus.resourceVersionWithContinue());
      }
      token = ((Result.Ok<ContinueToken>) decoded).value();
    }
    long rv = 0;
    if (token == null && !p.resourceVersion().isEmpty()) {
      rv = parseResourceVersion(p.resourceVersion());
      if (rv < 0) {
        // Not a uint64: the apiserver words this error (400 invalid resource version: …).
        return new ListDecision.Delegate("resourceVersion is not a uint64");
      }
    }
    if (!cache.ready()) {
      // A sharded one too for the apiserver (its etcd path applies the shard), but an upstream whose
      // ShardedListAndWatch gate is off would answer every shard: it waits, then gets the unready 429.
      if (p.limit() > 0 && p.selectorsEmpty() && !p.sharded()) {
        return new ListDecision.Delegate("cache not ready; paginated list without selectors goes to storage");
      }
      // The caller waits for readiness and decides again.
    }

    switch (p.resourceVersionMatch()) {
      case "Exact" -> {
        return exact(rv, null, cache);
      }
      case "NotOlderThan" -> {
        return new ListDecision.NotOlderThan(rv, honourLimit(p.resourceVersion(), path));
      }
      default -> {
        if (token != null) {
          long tokenRv = token.resourceVersion();
          return tokenRv > 0 ? exact(tokenRv, token.fromKey(), cache) : new ListDecision.Consistent(token.fromKey());
        }
        // Go compares the string: "00" with a limit is legacy exact (at 0).
        if (p.limit() > 0 && !p.resourceVersion().isEmpty() && !p.resourceVersion().equals("0")) {
          return exact(rv, null, cache);
        }
        if (p.resourceVersion().isEmpty()) {
          return new ListDecision.Consistent(null);
        }
        return new ListDecision.NotOlderThan(rv, honourLimit(p.resourceVersion(), path));
      }
    }
  }

  /**
   * The plan for a LIST ({@link ListQuery} from {@link ReadParams#list}) on a cache in state
   * {@code cache}, served by the rules of {@code path}; {@code waitedForReady}: this request already
   * waited for readiness once (see the class's table).
   */
  public static ReadPlan<ListRead> list(ListQuery q, CacheState cache, ServingPath path, boolean waitedForReady) {
    ListParams p = q.params();
    ListDecision d = listDecision(p, cache, path);
    if (d instanceof ListDecision.Reject r) {
      return new ReadPlan.Reject<>(r.status());
    }
    if (d instanceof ListDecision.Delegate g) {
      return !cache.ready() && !waitedForReady ? new ReadPlan.AwaitReady<>() : new ReadPlan.Delegate<>(g.why());
    }
    if (!cache.ready()) {
      return waitedForReady ? new ReadPlan.Reject<>(cache.unreadyStatus()) : new ReadPlan.AwaitReady<>();
    }
    String prefix = dev.breakwater.cache.store.OrderedStore.namespacePrefix(q.namespace());
    ContinueToken.Form form = path == ServingPath.ETCD ? ContinueToken.Form.ETCD : ContinueToken.Form.WATCH_CACHE;
    String tokenPrefix = form.keyPrefix(q.scope().listKey(q.namespace()));
    long limit = Math.max(p.limit(), 0);
    return switch (d) {
      // Both paths wait for the proof; on the etcd path only the feed's next event can bring it, so
      // freshnessWait bounds that wait differently (and skips it on a quiet resource).
      case ListDecision.Consistent c -> new ReadPlan.AwaitFresh<>(ReadPlan.Freshness.CONSISTENT, 0, ReadPlan.OnTimeout.DELEGATE,
          new ReadPlan.Serve<>(new ListRead(WatchCache.ListRequest.current(prefix, q.scope().storeKey(c.startKey()), limit,
              q.predicate(), 0), q.scope().keyRoot(), tokenPrefix)),
          c.startKey() == null ? pageBudget(limit) : ReadPlan.Budget.PROOF);
      case ListDecision.NotOlderThan n when path == ServingPath.ETCD && Long.compareUnsigned(n.minResourceVersion(), cache.resourceVersion()) > 0 ->
          new ReadPlan.Delegate<>("resourceVersion ahead on the etcd path: etcd answers 504 at once, without Retry-After");
      case ListDecision.NotOlderThan n -> fresh(n.minResourceVersion(), cache, ReadPlan.OnTimeout.TOO_LARGE_RESOURCE_VERSION,
          new ListRead(WatchCache.ListRequest.current(prefix, null, n.honourLimit() ? limit : 0, q.predicate(), n.minResourceVersion()),
              q.scope().keyRoot(), tokenPrefix), pageBudget(n.honourLimit() ? limit : 0));
      case ListDecision.Exact e when path == ServingPath.ETCD && Long.compareUnsigned(e.resourceVersion(), cache.resourceVersion()) > 0 ->
          new ReadPlan.Delegate<>("resourceVersion ahead on the etcd path: etcd answers 504 at once, without Retry-After");
      case ListDecision.Exact e -> fresh(e.resourceVersion(), cache, ReadPlan.OnTimeout.TOO_LARGE_RESOURCE_VERSION,
          new ListRead(WatchCache.ListRequest.snapshot(prefix, q.scope().storeKey(e.startKey()), limit, q.predicate(), e.resourceVersion()),
              q.scope().keyRoot(), tokenPrefix), pageBudget(limit));
      case ListDecision.Reject r -> throw new AssertionError(r);
      case ListDecision.Delegate g -> throw new AssertionError(g);
    };
  }

  /**
   * The plan for a GET (SEMANTICS.md, GET): RV unset is a consistent read (the apiserver's quorum
   * read), {@link ReadPlan.Budget#SMALL} on both paths; RV=0/N is served from the cache once its RV ≥ N (older N → the
   * current object), else 504 after the wait (etcd path: upstream at once); an RV that is not a
   * uint64 → upstream (its 500 text). Not ready: the apiserver reads storage (KEP-4568); this waits
   * for readiness first (bounded) and goes upstream only if it stays unready.
   */
  public static ReadPlan<GetRead> get(GetQuery q, CacheState cache, ServingPath path, boolean waitedForReady) {
    if (!cache.ready()) {
      return waitedForReady ? new ReadPlan.Delegate<>("cache not ready: GET goes to storage") : new ReadPlan.AwaitReady<>();
    }
    if (q.resourceVersion().isEmpty()) {
      return new ReadPlan.AwaitFresh<>(ReadPlan.Freshness.CONSISTENT, 0, ReadPlan.OnTimeout.DELEGATE,
          new ReadPlan.Serve<>(new GetRead(q.key(), q.name(), 0)), ReadPlan.Budget.SMALL);
    }
    long min = parseResourceVersion(q.resourceVersion());
    if (min < 0) {
      return new ReadPlan.Delegate<>("resourceVersion is not a uint64: the apiserver's 500");
    }
    if (path == ServingPath.ETCD && Long.compareUnsigned(min, cache.resourceVersion()) > 0) {
      return new ReadPlan.Delegate<>("resourceVersion ahead on the etcd path");
    }
    return fresh(min, cache, ReadPlan.OnTimeout.TOO_LARGE_RESOURCE_VERSION, new GetRead(q.key(), q.name(), min), ReadPlan.Budget.SMALL);
  }

  /**
   * The plan for a WATCH (SEMANTICS.md, WATCH): without {@code continue} (422); on the etcd path only a consistent
   * one (RV unset: a WatchList, or a {@code sendInitialEvents=false} watch from the current RV) — watches from an RV
   * go upstream there (its history reaches back to etcd's compaction and its 410s are etcd's), and the edge writes
   * a served one with the etcd path's bookmarks ({@code WatchSink.initialEventsEndBookmarksOnly}); a WatchList with RV unset waits
   * for freshness (timeout → upstream), one with RV N &gt; 0 for N (same); RV 0 and watches from an RV
   * start at once (an RV ahead of the cache is silent until reached, as the apiserver's). Not ready:
   * wait for readiness (bounded), then the apiserver's own answer for an unready cache, 429.
   */
  public static ReadPlan<WatchCache.WatchRequest> watch(WatchQuery q, CacheState cache, ServingPath path, boolean waitedForReady) {
    if (path != ServingPath.WATCH_CACHE && !q.consistent()) {
      // From an RV (or RV 0): the etcd path's history reaches back to etcd's compaction and its 410s are etcd's.
      return new ReadPlan.Delegate<>("watch from a resourceVersion on the etcd path");
    }
    if (q.continueGiven()) {
      return new ReadPlan.Delegate<>("continue on a watch: the apiserver's 422");
    }
    if (!cache.ready()) {
      return waitedForReady ? new ReadPlan.Reject<>(cache.unreadyStatus()) : new ReadPlan.AwaitReady<>();
    }
    WatchCache.WatchRequest wr = q.request();
    if (q.consistent()) {
      // A WatchList's initial state, or a sendInitialEvents=false watch's start (bound to the RV
      // reached: a moment after arrival, as the apiserver reads etcd's current RV after it).
      return new ReadPlan.AwaitFresh<>(ReadPlan.Freshness.CONSISTENT, 0, ReadPlan.OnTimeout.DELEGATE, new ReadPlan.Serve<>(wr));
    }
    if (q.watchList() && wr.resourceVersion() > 0) {
      return fresh(wr.resourceVersion(), cache, ReadPlan.OnTimeout.DELEGATE, wr, ReadPlan.Budget.PROOF);
    }
    return new ReadPlan.Serve<>(wr);
  }

  /** A watch with bookmarks that ends within this long wants its bookmark's RV fresh ({@link #wantsFreshBookmarks}). */
  public static final java.time.Duration SHORT_WATCH = java.time.Duration.ofSeconds(10);

  /** The request header a Breakwater's progress watches carry ({@code reflector.ProgressSupply}); its value is ignored. */
  public static final String PROGRESS_WATCH_HEADER = "X-Breakwater-Progress-Watch";

  /**
   * Whether serving {@code watch} should demand the progress supply: another Breakwater's progress watch
   * ({@code progressWatch}: it carried {@link #PROGRESS_WATCH_HEADER}) with bookmarks that ends within
   * {@link #SHORT_WATCH}. That Breakwater proves its cache fresh with this watch's timer bookmark (due at deadline −
   * 2 s). The apiserver's bookmarks carry its cache's RV, which follows etcd within ~100 ms while reads wait; this
   * cache's RV on a quiet resource moves only with upstream bookmarks, so without the demand a chained Breakwater's
   * consistent reads would wait their 3 s and go upstream. Other watches — informers, or any client's short watches,
   * which the apiserver would not answer with extra upstream work either — make no demand.
   */
  public static boolean wantsFreshBookmarks(WatchCache.WatchRequest watch, java.time.Instant now, boolean progressWatch) {
    return progressWatch && watch.allowBookmarks() && watch.deadline() != null
        && !watch.deadline().isAfter(now.plus(SHORT_WATCH));
  }

  /**
   * What a consistent read becomes when its freshness could not be confirmed — {@code wait} (an {@link
   * ReadPlan.AwaitFresh} of {@link ReadPlan.Freshness#CONSISTENT}) ended with its own upstream attempt failing as
   * {@code attempt}, or timing out ({@link dev.breakwater.cache.reflector.UpstreamFailure#SLOW}): upstream, as the
   * apiserver falls back to etcd — unless {@code policy} ({@code --serve-stale-on-outage}) finds an outage, then the
   * cache's state now, marked stale ({@link StaleReads}), but never from a cache being rebuilt after a failed
   * consistency check ({@link CacheState#inconsistent}). {@code cache} is the cache's state at the end of the wait.
   */
  public static <R> ReadPlan<R> unconfirmed(ReadPlan.AwaitFresh<R> wait, CacheState cache, StaleReads policy,
      dev.breakwater.cache.reflector.UpstreamFailure attempt) {
    if (wait.freshness() != ReadPlan.Freshness.CONSISTENT || wait.onTimeout() != ReadPlan.OnTimeout.DELEGATE) {
      throw new IllegalArgumentException("not a consistent read's wait: " + wait);
    }
    // A cache being rebuilt after a failed consistency check is known wrong: never served, not even as stale.
    if (!cache.inconsistent() && policy.serveStale(cache, attempt)) {
      long rv = cache.resourceVersion();
      return new ReadPlan.ServeStale<>(wait.then().read(), rv, StaleReads.warning(rv));
    }
    return new ReadPlan.Delegate<>("not fresh in time");
  }

  /**
   * How the edge waits for {@code wait}'s proof. A read of {@link ReadPlan.Budget#PROOF} waits
   * {@link ReadPlan#FRESHNESS_TIMEOUT_MS} (Go's {@code blockTimeout}), demanding the progress supply's bookmarks, then
   * ends as its plan says ({@link ReadPlan.AwaitFresh#onTimeout}: upstream, or the 504 of an RV the cache did not
   * reach). A {@link ReadPlan.Budget#SMALL} read — a consistent GET or first page, or a GET / page of at most
   * {@link ReadPlan#SMALL_LIST_LIMIT} at an RV the cache has not reached yet (typically a continue token or an RV the
   * upstream minted: on a quiet resource only the next bookmark, up to a tick away, proves the cache there) — goes
   * upstream at once when {@code budgetMs ≤ 0} (the default: the apiserver's own answer, one request, no probe),
   * else waits only {@code budgetMs}, demanding bookmarks only if that outlasts the upstream's bookmark tick
   * ({@link ReadPlan#demandsProgress}), and then goes upstream (never a 504 the apiserver, whose cache follows etcd
   * within 100 ms, would not give). Except during an outage under {@code --serve-stale-on-outage}
   * ({@link StaleReads#outage}): a small consistent read then probes and waits like a large one, so that it can be
   * served stale.
   *
   * @param budgetMs the edge's {@code --consistent-read-budget} in milliseconds (negative counts as 0)
   */
  public static FreshnessWait freshnessWait(ReadPlan.AwaitFresh<?> wait, CacheState cache, StaleReads stale,
      long budgetMs) {
    return freshnessWait(wait, cache, ServingPath.WATCH_CACHE, stale, budgetMs);
  }

  /**
   * {@link #freshnessWait(ReadPlan.AwaitFresh, CacheState, StaleReads, long)} for a cache served by the rules of
   * {@code path}. On the {@link ServingPath#WATCH_CACHE watch-cache path} as described there. On the
   * {@link ServingPath#ETCD etcd path} (core and events.k8s.io events, which the apiserver does not watch-cache) the
   * upstream's watches carry no bookmark but a WatchList's end marker: its etcd watches set {@code ProgressNotify}
   * only for the cacher's own watch ({@code cacher/lister_watcher.go}), and nobody requests progress on the events
   * store's etcd client. So the progress supply would open watches that never prove anything, and is never
   * demanded; the only proof that the cache holds every event up to the upstream's current RV R is the feed
   * delivering an event with RV ≥ R (its stream is complete and ordered, so every event below it came first).
   * Every write after the probe's quorum read has a revision above R, so the first event written after the probe
   * proves it. Hence, for a consistent read there:
   * <ul>
   *   <li>a small one ({@link ReadPlan.Budget#SMALL}) goes upstream at once when {@code budgetMs ≤ 0} (the default),
   *       else waits {@code budgetMs};
   *   <li>a large one waits {@link ReadPlan#ETCD_PATH_WAIT_MS}, then goes upstream;
   *   <li>either goes upstream at once, without a probe, when the feed has delivered no event within the last
   *       {@link ReadPlan#ETCD_PATH_WAIT_MS} ({@link CacheState#sinceLastEvent}): on a resource that quiet the
   *       proof would rarely come in time, and the read would only be slower than the apiserver's;
   *   <li>during an outage under {@code --serve-stale-on-outage} ({@link StaleReads#outage}) either waits
   *       {@link ReadPlan#FRESHNESS_TIMEOUT_MS} (the probe fails, and the read can be served stale).
   * </ul>
   * A wait for an RV ({@link ReadPlan.Freshness#AT_LEAST}) waits {@link ReadPlan#ETCD_PATH_WAIT_MS} at most (the
   * plans make none on that path today: {@link #list} and {@link #get} send such reads upstream). Never demands
   * progress. Exactness does not depend on these bounds: they only decide how long a read may wait before the
   * apiserver answers it.
   */
  public static FreshnessWait freshnessWait(ReadPlan.AwaitFresh<?> wait, CacheState cache, ServingPath path, StaleReads stale,
      long budgetMs) {
    if (path == ServingPath.ETCD) {
      return etcdPathWait(wait, cache, stale, budgetMs);
    }
    boolean consistent = wait.freshness() == ReadPlan.Freshness.CONSISTENT;
    boolean small = wait.budget() == ReadPlan.Budget.SMALL && !(consistent && stale.outage(cache));
    if (!small) {
      return new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, true, wait.onTimeout());
    }
    if (budgetMs <= 0) {
      return new FreshnessWait.Upstream(consistent ? "small consistent read, no budget" : "small read ahead of the cache, no budget");
    }
    return new FreshnessWait.Bounded(budgetMs, ReadPlan.demandsProgress(ReadPlan.Budget.SMALL, budgetMs),
        ReadPlan.OnTimeout.DELEGATE);
  }

  private static FreshnessWait etcdPathWait(ReadPlan.AwaitFresh<?> wait, CacheState cache, StaleReads stale, long budgetMs) {
    boolean consistent = wait.freshness() == ReadPlan.Freshness.CONSISTENT;
    if (consistent && stale.outage(cache)) {
      return new FreshnessWait.Bounded(ReadPlan.FRESHNESS_TIMEOUT_MS, false, wait.onTimeout());
    }
    boolean small = wait.budget() == ReadPlan.Budget.SMALL;
    if (small && budgetMs <= 0) {
      return new FreshnessWait.Upstream(consistent ? "small consistent read, no budget" : "small read ahead of the cache, no budget");
    }
    if (cache.sinceLastEvent().compareTo(java.time.Duration.ofMillis(ReadPlan.ETCD_PATH_WAIT_MS)) > 0) {
      return new FreshnessWait.Upstream("etcd path: no event within " + ReadPlan.ETCD_PATH_WAIT_MS
          + " ms, and only the next one can prove the cache fresh");
    }
    return new FreshnessWait.Bounded(small ? budgetMs : ReadPlan.ETCD_PATH_WAIT_MS, false,
        small ? ReadPlan.OnTimeout.DELEGATE : wait.onTimeout());
  }

  /**
   * Serve {@code read} now if the cache has reached {@code rv}, else after waiting for it; {@code budget}: the
   * read's class ({@link ReadPlan.Budget#SMALL}: a GET or a page of at most {@link ReadPlan#SMALL_LIST_LIMIT}, which
   * goes upstream rather than wait for a bookmark, see {@link #freshnessWait}).
   */
  private static <R> ReadPlan<R> fresh(long rv, CacheState cache, ReadPlan.OnTimeout onTimeout, R read, ReadPlan.Budget budget) {
    if (Long.compareUnsigned(cache.resourceVersion(), rv) >= 0) {
      return new ReadPlan.Serve<>(read);
    }
    return new ReadPlan.AwaitFresh<>(ReadPlan.Freshness.AT_LEAST, rv, onTimeout, new ReadPlan.Serve<>(read), budget);
  }

  /** A LIST's budget class: a page of {@code 0 < limit ≤} {@link ReadPlan#SMALL_LIST_LIMIT} is small. */
  private static ReadPlan.Budget pageBudget(long limit) {
    return limit > 0 && limit <= ReadPlan.SMALL_LIST_LIMIT ? ReadPlan.Budget.SMALL : ReadPlan.Budget.PROOF;
  }

  /** The watch cache ignores limit for RV "0" ({@code computeListLimit} compares the string); etcd honours it. */
  private static boolean honourLimit(String rv, ServingPath path) {
    return !rv.equals("0") || path == ServingPath.ETCD;
  }

  /**
   * {@code shouldDelegateExactRV}: an RV the cache has not reached yet is waited for (then 504);
   * one it has reached is served from the greatest snapshot ≤ it, or delegated when none is held.
   */
  private static ListDecision exact(long rv, String startKey, CacheState cache) {
    if (rv > cache.resourceVersion() || cache.hasSnapshotAtOrBelow(rv)) {
      return new ListDecision.Exact(rv, startKey);
    }
    return new ListDecision.Delegate("no snapshot at or below resourceVersion " + Long.toUnsignedString(rv));
  }

  /** apimachinery's {@code ValidateListOptions} for a LIST (not a watch), in its order. */
  static List<FieldError> validateListOptions(ListParams p) {
    List<FieldError> errs = new ArrayList<>();
    String match = p.resourceVersionMatch();
    if (!match.isEmpty()) {
      if (p.resourceVersion().isEmpty()) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
      }
      if (!p.continueToken().isEmpty()) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
      }
      if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
        errs.add(FieldError.notSupported("resourceVersionMatch", match, List.of("Exact", "NotOlderThan", "")));
      }
      if (match.equals("Exact") && p.resourceVersion().equals("0")) {
        errs.add(FieldError.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
      }
    }
    if (p.sendInitialEventsGiven()) {
      errs.add(FieldError.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
    }
    return errs;
  }

  /** A uint64 resourceVersion, or -1 when it is not one (strconv.ParseUint semantics). */
  public static long parseResourceVersion(String s) {
    if (s.isEmpty() || s.length() > 20) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      long v = Long.parseUnsignedLong(s);
      // RVs are etcd revisions (int64); anything above is not a real RV and the apiserver rejects it.
      return v < 0 ? -1 : v;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
