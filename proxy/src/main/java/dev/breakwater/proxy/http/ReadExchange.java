package dev.breakwater.proxy.http;

import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.FreshnessWait;
import dev.breakwater.cache.delegator.Parsed;
import dev.breakwater.cache.delegator.ReadParams;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.reflector.UpstreamFailure;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.proxy.table.TableBodies;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read being served from a cache: carries out the {@link ReadPlan} that
 * {@code delegator.ReadRouting} makes for it — answer a Status, go upstream, wait for readiness or
 * freshness (bounded as {@link ReadRouting#freshnessWait} decides, then what the plan says), serve — and
 * writes the answer. The verbs
 * ({@link ListExchange}, {@link GetExchange}, {@link WatchExchange}) say how to plan, how a
 * consistent read's RV binds into their read, and how to serve it.
 *
 * <p>Threading: confined to the request's context. Waits complete on cache threads and hop back to
 * that context before touching the response; a response closed meanwhile ends the exchange. Never
 * blocks.
 *
 * @param <R> the read the plan serves
 */
abstract class ReadExchange<R> {

  private static final Logger LOG = LoggerFactory.getLogger(ReadExchange.class);

  final HttpServerRequest req;
  final HttpServerResponse resp;
  final Context ctx;
  final RequestInfo info;
  final CacheReads cache;
  final ReadEdge edge;
  final Negotiation.Representation rep;
  /** The Table bodies when {@code rep} is a Table, else null. */
  final TableBodies table;
  final long arrival;
  final boolean pretty;
  /** Whether the request waited (for a cache to start, or for freshness) before being served: the metrics label. */
  boolean waited;
  /** The {@code Warning} of a consistent read served stale during an outage ({@code --serve-stale-on-outage}), else null. */
  String warning;

  ReadExchange(HttpServerRequest req, Context ctx, RequestInfo info, CacheReads cache, ReadEdge edge,
      Negotiation.Representation rep, TableBodies table, long arrival, boolean waited) {
    this.req = req;
    this.resp = req.response();
    this.ctx = ctx;
    this.info = info;
    this.cache = cache;
    this.edge = edge;
    this.rep = rep;
    this.table = table;
    this.arrival = arrival;
    this.waited = waited;
    this.pretty = !rep.protobuf() && (rep.prettyParam() || StatusResponses.pretty(req));
  }

  /** The request's parameters as {@link ReadParams} parsed them (a failure is the plan). */
  abstract Parsed<?> query();

  /** The verb's routing decision ({@link ReadRouting#list}, {@code get} or {@code watch}) for a parsed query. */
  abstract ReadPlan<R> route(CacheState state, boolean waitedForReady);

  /** The plan: a failed parse's or an unready cache's ({@link ReadRouting#admit}), else the verb's routing. */
  final ReadPlan<R> plan(boolean waitedForReady) {
    CacheState state = cache.state();
    ReadPlan<R> admitted = ReadRouting.admit(query(), state);
    return admitted != null ? admitted : route(state, waitedForReady);
  }

  /** The read once a consistent read's upstream RV is known and reached. */
  abstract R bind(R read, long currentResourceVersion);

  abstract void serve(R read);

  /** Starts the exchange. */
  final void run() {
    run(plan(false));
  }

  /** Carries out {@code plan}. */
  final void run(ReadPlan<R> plan) {
    switch (plan) {
      case ReadPlan.Reject<R> r -> status(r.status());
      case ReadPlan.Delegate<R> d -> delegate(d.why());
      case ReadPlan.AwaitReady<R> a -> await(cache.whenReady(), ReadPlan.READY_TIMEOUT_MS,
          v -> run(plan(true)), err -> run(plan(true)));
      case ReadPlan.AwaitFresh<R> f -> {
        boolean consistent = f.freshness() == ReadPlan.Freshness.CONSISTENT;
        FreshnessWait how = ReadRouting.freshnessWait(f, cache.state(), cache.path(), edge.staleReads(),
            edge.consistentReadBudgetMs());
        if (how instanceof FreshnessWait.Upstream u) {
          delegate(u.why());
          return;
        }
        FreshnessWait.Bounded wait = (FreshnessWait.Bounded) how;
        await(consistent ? cache.fresh(arrival, wait.demandProgress()) : cache.whenFresh(f.resourceVersion(), wait.demandProgress()),
            wait.timeoutMs(),
            current -> serve(consistent ? bind(f.then().read(), current) : f.then().read()),
            err -> {
              if (wait.onTimeout() == ReadPlan.OnTimeout.TOO_LARGE_RESOURCE_VERSION) {
                status(cache.tooLargeResourceVersion(f.resourceVersion()));
              } else if (consistent && canWarn()) {
                // Upstream, or — with --serve-stale-on-outage during an outage — the cache's state, marked stale.
                run(ReadRouting.unconfirmed(f, cache.state(), edge.staleReads(), UpstreamFailure.of(err)));
              } else {
                delegate("not fresh in time");
              }
            });
      }
      case ReadPlan.Serve<R> s -> serve(s.read());
      case ReadPlan.ServeStale<R> s -> {
        warning = s.warning();
        serve(bind(s.read(), s.resourceVersion()));
      }
    }
  }

  /** Whether the answer's head can carry a {@code Warning} (not a WebSocket's handshake): stale reads need one. */
  boolean canWarn() {
    return true;
  }

  /** Runs {@code onValue} on the request's context when {@code f} completes in time, else {@code onFailure} (a timeout included). */
  final <T> void await(CompletableFuture<T> f, long timeoutMs, Consumer<T> onValue, Consumer<Throwable> onFailure) {
    if (f.isDone() && !f.isCompletedExceptionally()) {
      onValue.accept(f.join());
      return;
    }
    waited = true;
    f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((v, err) -> ctx.runOnContext(x -> {
      if (resp.closed()) {
        return;
      }
      if (err == null) {
        onValue.accept(v);
      } else {
        LOG.debug("wait for {} ended: {}", req.uri(), err.toString());
        onFailure.accept(err);
      }
    }));
  }

  /** Hands the request upstream (coalesced when it is a LIST), as of its arrival. */
  final void delegate(String why) {
    LOG.debug("{} {}: upstream ({})", info.verb(), req.uri(), why);
    edge.metrics().upstreamRead(info.verb(), cache.groupResource(), dev.breakwater.cache.delegator.UpstreamReason.of(why).label());
    edge.upstream().forward(req, arrival);
  }

  /** Answers with an error Status, encoded as the apiserver would for this Accept (YAML too; an Accept not modelled: upstream). */
  final void status(ApiStatus s) {
    if (!StatusResponses.negotiable(req)) {
      delegate("a Status for an Accept not modelled is the apiserver's to write");
      return;
    }
    edge.stats().errorsAtEdge.incrementAndGet();
    edge.metrics().request(info.verb(), cache.groupResource(), "edge");
    StatusResponses.sendNegotiated(req, s);
  }

  /**
   * Whether a read of {@code cost} may be served now ({@link dev.breakwater.cache.admission.Admission});
   * if not, answers the apiserver's overload 429 and counts it.
   */
  final boolean admitted(dev.breakwater.cache.admission.Admission.Cost cost) {
    if (edge.memory().admission().admits(cost)) {
      return true;
    }
    LOG.debug("{} {}: 429, {} bytes held for clients", info.verb(), req.uri(), edge.memory().inFlight().used());
    edge.stats().errorsAtEdge.incrementAndGet();
    edge.metrics().request(info.verb(), cache.groupResource(), "edge");
    edge.metrics().admissionRejected(info.verb(), cache.groupResource());
    StatusResponses.tooManyRequests(resp);
    return false;
  }

  /** The head of a 200 served from the cache. */
  final void headers() {
    resp.setStatusCode(200);
    resp.putHeader("Content-Type", Representations.contentType(rep, info.verb()));
    resp.putHeader("Cache-Control", "no-cache, private");
    resp.putHeader("Audit-Id", UUID.randomUUID().toString());
    if (warning != null) {
      resp.putHeader("Warning", warning);
    }
  }

  /** The metrics label of a read answered from the cache: at once, after a wait, or stale during an outage. */
  final String served() {
    return warning != null ? "stale" : waited ? "waited" : "cache";
  }

  final void warnEncoding(RuntimeException e) {
    LOG.warn("cannot encode {} for {}: {}", cache.groupResource(), req.uri(), e.toString());
  }
}
