package dev.breakwater.proxy.http;

import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.table.TableEncoder;
import dev.breakwater.proxy.cache.CacheManager;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.table.TableBodies;
import dev.breakwater.proxy.table.TableConvertors;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The gate of cached reads: decides which requests a cache may answer and hands each to the
 * exchange of its verb ({@link ListExchange}, {@link GetExchange}, {@link WatchExchange}, which
 * carry out cache-core's routing plan); everything else goes to the {@link PassThroughHandler}
 * unchanged, LISTs through the {@link ListCoalescer}.
 *
 * <p>In order: non-GETs, Accepts the cache does not model (YAML Tables, a WATCH in YAML, …), non-resource and
 * subresource requests, named watches, WebSocket upgrades other than a watch the apiserver would
 * accept as served here (HTTP/1.1, an {@code Origin}, no subprotocol), resources that are not
 * cached (not list+watch, excluded by policy, namespaced paths of cluster-scoped resources,
 * cluster-level GETs of namespaced objects) → upstream. Then the 406s the apiserver gives before
 * any read — go-restful's route check (built-ins), negotiation's — answered here as the apiserver
 * words and encodes them. Tables are served when the resource has a convertor (a custom
 * resource's waits, bounded, for its CRD cache) and {@code includeObject} is valid.
 *
 * <p>Threading: runs on the client connection's event loop; never blocks.
 */
public final class CachingReadHandler implements Handler<HttpServerRequest> {

  private final Vertx vertx;
  private final PassThroughHandler passThrough;
  private final CacheManager caches;
  private final ReadStats stats = new ReadStats();
  private final ProxyMetrics metrics;
  private final ListCoalescer coalescer;
  /** Table: which resources have a convertor (built-in printers, CRD printer columns). */
  private final TableConvertors tables;
  /** The clock of Table cells (ages) and watch deadlines. */
  private final Clock clock = Clock.systemUTC();
  private final ReadEdge edge;

  public CachingReadHandler(Vertx vertx, PassThroughHandler upstream, CacheManager caches, ProxyMetrics metrics) {
    this(vertx, upstream, caches, metrics, dev.breakwater.cache.delegator.StaleReads.OFF, java.time.Duration.ZERO);
  }

  /**
   * @param staleReads whether consistent reads are served from the cache during an upstream outage
   *     ({@code --serve-stale-on-outage})
   * @param consistentReadBudget how long a small consistent read waits for the cache's proof of
   *     freshness before it goes upstream ({@code --consistent-read-budget})
   */
  public CachingReadHandler(Vertx vertx, PassThroughHandler upstream, CacheManager caches, ProxyMetrics metrics,
      dev.breakwater.cache.delegator.StaleReads staleReads, java.time.Duration consistentReadBudget) {
    this(vertx, upstream, caches, metrics, staleReads, consistentReadBudget, ClientMemory.UNLIMITED);
  }

  /**
   * @param memory what reads served from the cache may hold for clients ({@code --max-inflight-bytes},
   *     {@code --max-watch-queue-bytes}); its account is exported as {@code breakwater_inflight_bytes}
   */
  public CachingReadHandler(Vertx vertx, PassThroughHandler upstream, CacheManager caches, ProxyMetrics metrics,
      dev.breakwater.cache.delegator.StaleReads staleReads, java.time.Duration consistentReadBudget, ClientMemory memory) {
    this.vertx = vertx;
    this.caches = caches;
    this.metrics = metrics;
    this.passThrough = new PassThroughHandler(upstream) {
      @Override
      public void handle(HttpServerRequest req) {
        forward(req, System.nanoTime());
      }
    };
    this.coalescer = new ListCoalescer(vertx, upstream.upstream(), upstream.forwardsClientCredentials());
    this.tables = new TableConvertors(caches);
    this.edge = new ReadEdge(this::forward, stats, metrics, passThrough.inFlight(), clock,
        () -> ThreadLocalRandom.current().nextDouble(), staleReads, consistentReadBudget.toMillis(), memory);
    metrics.inflightBytes(memory.inFlight(), memory.watcherBudget().maxBytes());
  }

  /**
   * Sends a request upstream: a LIST through the {@link ListCoalescer} (identical concurrent
   * LISTs share one upstream request where semantics allow), anything else straight through.
   */
  private void forward(HttpServerRequest req, long arrivalNanos) {
    RequestInfo info = RequestInfo.parse(req.method().name(), req.path(), req.query());
    String resource = info.resourceRequest() ? info.resource() : "";
    if (req.method() == HttpMethod.GET && info.verb().equals("list") && !Headers.isUpgrade(req.headers())) {
      boolean consistent = RequestInfo.firstParam(req.query(), "resourceVersion") == null
          || RequestInfo.firstParam(req.query(), "resourceVersion").isEmpty();
      if (coalescer.handle(req, arrivalNanos, consistent)) {
        stats.coalesced.incrementAndGet();
        metrics.request("list", resource, "coalesced");
        return;
      }
      stats.passedUpstream.incrementAndGet();
      metrics.request("list", resource, "upstream");
      return;
    }
    stats.passedUpstream.incrementAndGet();
    metrics.request(info.verb(), resource, "upstream");
    passThrough.forwardUnchanged(req);
  }

  public ReadStats stats() {
    return stats;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (req.method() != HttpMethod.GET) {
      passThrough.handle(req);
      return;
    }
    RequestInfo info = RequestInfo.parse(req.method().name(), req.path(), req.query()).storageScoped(req.path());
    String accept = req.getHeader("Accept");
    if (Negotiation.negotiate(accept, true, info.verb().equals("watch")).kind() == Negotiation.Kind.OTHER) {
      passThrough.handle(req);
      return;
    }
    if (!info.cacheableRead() || (info.verb().equals("watch") && (info.verbViaPath() || !info.name().isEmpty()))) {
      passThrough.handle(req);
      return;
    }
    // Upgrades: only a WebSocket watch the apiserver would accept as we serve it goes to the cache —
    // with an Origin (its handshake answers 403 without one) and no subprotocol. Exec, attach,
    // port-forward and everything else tunnel upstream.
    boolean webSocket = Headers.isUpgrade(req.headers());
    if (webSocket && !(info.verb().equals("watch") && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"))
        && req.version() == io.vertx.core.http.HttpVersion.HTTP_1_1 && req.getHeader("Origin") != null
        && req.getHeader("Sec-WebSocket-Protocol") == null)) {
      passThrough.handle(req);
      return;
    }
    req.pause();
    long arrival = System.nanoTime();
    Context ctx = vertx.getOrCreateContext();
    caches.resource(info.group(), info.version(), info.resource()).onComplete(ar -> {
      Optional<Resource> r = ar.succeeded() ? ar.result() : Optional.empty();
      // Cluster-scoped resources have no namespaced paths, and namespaced objects no cluster-level
      // GET route: the apiserver's 404s for those are its own.
      if (r.isEmpty() || !r.get().cacheable() || !caches.allows(r.get()) || (!r.get().namespaced() && !info.namespace().isEmpty())
          || (r.get().namespaced() && info.namespace().isEmpty() && !info.name().isEmpty())) {
        passThrough.handle(req);
        return;
      }
      // 406s: go-restful's route check (built-ins), then the handler's negotiation. Both come before
      // any read, so they are answered here, as the apiserver words and encodes them.
      if (r.get().builtIn() && !Negotiation.routeAccepts(accept, info.verb())) {
        notAcceptable(req, info, r.get(), ApiStatus.routeNotAcceptable(Negotiation.routeProduces(info.verb())));
        return;
      }
      Negotiation.Representation rep = Negotiation.negotiate(accept, r.get().builtIn(), info.verb().equals("watch"));
      if (rep.kind() == Negotiation.Kind.NOT_ACCEPTABLE) {
        notAcceptable(req, info, r.get(), ApiStatus.notAcceptable(Negotiation.MEDIA_TYPES));
        return;
      }
      if (!Negotiation.servedFromCache(rep, info.verb())) {
        passThrough.handle(req);
        return;
      }
      if (rep.kind() != Negotiation.Kind.TABLE) {
        if (r.get().builtIn() || caches.running(r.get())) {
          serve(req, ctx, info, r.get(), rep, arrival, webSocket, null, false);
          return;
        }
        // A custom resource's first read starts its cache with its CRD's selectable fields: wait
        // (bounded) for Breakwater's CRD cache to know them.
        var crds = caches.whenCrdsKnown(ReadPlan.READY_TIMEOUT_MS);
        boolean waited = !crds.isDone();
        crds.whenComplete((v, err) -> ctx.runOnContext(x -> {
          if (!req.response().closed()) {
            serve(req, ctx, info, r.get(), rep, arrival, webSocket, null, waited);
          }
        }));
        return;
      }
      // Table: served when the resource has a convertor (a custom resource's waits, bounded, for the
      // CRD cache) and includeObject is valid; else upstream.
      var include = dev.breakwater.cache.delegator.ReadParams.tableOptions(req.query());
      if (include == null) {
        passThrough.handle(req);
        return;
      }
      var convertors = tables.await(r.get(), ReadPlan.READY_TIMEOUT_MS);
      boolean waited = !convertors.isDone();
      convertors.whenComplete((convertor, err) -> ctx.runOnContext(v -> {
        if (req.response().closed()) {
          return;
        }
        if (err != null || convertor.isEmpty()) {
          passThrough.handle(req);
          return;
        }
        serve(req, ctx, info, r.get(), rep, arrival, webSocket, new TableBodies(tables.rowCells(convertor.get()),
            caches.cacheFor(r.get()).codecs(), rep.metaApiVersion(), include, clock), waited);
      }));
    });
  }

  private void notAcceptable(HttpServerRequest req, RequestInfo info, Resource r, ApiStatus s) {
    if (!StatusResponses.negotiable(req)) {
      passThrough.handle(req);
      return;
    }
    stats.errorsAtEdge.incrementAndGet();
    metrics.request(info.verb(), r.groupResource(), "edge");
    StatusResponses.sendNegotiated(req, s);
  }

  /** Serves the request from {@code r}'s cache, one exchange per verb; {@code waited}: it already waited for a cache (metrics). */
  private void serve(HttpServerRequest req, Context ctx, RequestInfo info, Resource r, Negotiation.Representation rep, long arrival,
      boolean webSocket, TableBodies table, boolean waited) {
    if (webSocket && !info.verb().equals("watch")) {
      forward(req, arrival);
      return;
    }
    CacheReads rc = caches.cacheFor(r, rep.kind() == Negotiation.Kind.PROTOBUF);
    ReadExchange<?> exchange = switch (info.verb()) {
      case "list" -> new ListExchange(req, ctx, info, rc, edge, rep, table, arrival, waited);
      case "watch" -> new WatchExchange(req, ctx, info, rc, edge, rep, table, arrival, waited, webSocket);
      default -> new GetExchange(req, ctx, info, rc, edge, rep, table, arrival, waited);
    };
    exchange.run();
  }
}
