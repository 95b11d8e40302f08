package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.delegator.ListDecision;
import dev.breakwater.cache.delegator.ListParams;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.store.OrderedStore;
import dev.breakwater.proxy.cache.CacheManager;
import dev.breakwater.proxy.cache.ResourceCache;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves LIST and GET of cacheable resources from the caches, in JSON, with the apiserver's
 * semantics; everything else — and every case the routing decision delegates — goes to the
 * {@link PassThroughHandler} unchanged. Thin: the decision is {@link ReadRouting#list}; list
 * pages come from the {@link WatchCache}; bodies are streamed by {@link JsonListEncoder}.
 *
 * <p>Waits are bounded as the apiserver bounds them: 3 s for a resourceVersion the cache has not
 * reached (then 504 {@code Too large resource version}), 3 s for a consistent read's freshness
 * (then the request goes upstream, as the apiserver falls back to etcd), 10 s for a cache that
 * is starting (then 429 {@code storage is (re)initializing}).
 *
 * <p>Threading: runs on the client connection's event loop; waits complete on cache threads and
 * hop back to the request's context before touching the response. Never blocks.
 */
public final class CachingReadHandler implements Handler<HttpServerRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(CachingReadHandler.class);
  static final long FRESHNESS_TIMEOUT_MS = 3_000;
  static final long READY_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final PassThroughHandler passThrough;
  private final CacheManager caches;
  private final ReadStats stats = new ReadStats();
  private final dev.breakwater.proxy.metrics.ProxyMetrics metrics;
  private final ListCoalescer coalescer;
  /** Table: which resources have a convertor (built-in printers, CRD printer columns). */
  private final dev.breakwater.proxy.table.TableConvertors tables;

  public CachingReadHandler(Vertx vertx, PassThroughHandler upstream, CacheManager caches,
      dev.breakwater.proxy.metrics.ProxyMetrics metrics) {
    this.vertx = vertx;
    this.caches = caches;
    this.metrics = metrics;
    this.passThrough = new PassThroughHandler(upstream) {
      @Override
      public void handle(HttpServerRequest req) {
        forward(req, System.nanoTime());
      }
    };
    this.coalescer = new ListCoalescer(vertx, upstream.upstream());
    this.tables = new dev.breakwater.proxy.table.TableConvertors(caches);
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
      if (!servable(rep, info.verb())) {
        passThrough.handle(req);
        return;
      }
      if (rep.kind() != Negotiation.Kind.TABLE) {
        serve(req, ctx, info, r.get(), rep, arrival, webSocket, null, false);
        return;
      }
      // Table: served when the resource has a convertor (a custom resource's waits, bounded, for the
      // CRD cache) and includeObject is valid; else upstream.
      var include = dev.breakwater.cache.table.TableEncoder.IncludeObject.parse(RequestInfo.firstParam(req.query(), "includeObject"));
      if (include == null) {
        passThrough.handle(req);
        return;
      }
      var convertors = tables.await(r.get(), READY_TIMEOUT_MS);
      boolean waited = !convertors.isDone();
      convertors.whenComplete((convertor, err) -> ctx.runOnContext(v -> {
        if (req.response().closed()) {
          return;
        }
        if (err != null || convertor.isEmpty()) {
          passThrough.handle(req);
          return;
        }
        serve(req, ctx, info, r.get(), rep, arrival, webSocket, new dev.breakwater.proxy.table.TableBodies(tables.rowCells(convertor.get()),
            caches.cacheFor(r.get()), rep.metaApiVersion(), include, java.time.Clock.systemUTC()), waited);
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

  /** Serves the request from {@code r}'s cache; {@code waited}: it already waited for a cache (metrics). */
  private void serve(HttpServerRequest req, Context ctx, RequestInfo info, Resource r, Negotiation.Representation rep, long arrival,
      boolean webSocket, dev.breakwater.proxy.table.TableBodies table, boolean waited) {
    ResourceCache rc = caches.cacheFor(r, rep.kind() == Negotiation.Kind.PROTOBUF);
    Exchange exchange = new Exchange(req, ctx, info, rc, arrival, webSocket, rep);
    exchange.table = table;
    exchange.waited = waited;
    exchange.start();
  }

  /**
   * Whether the cache answers this representation for this verb: JSON always; PartialObjectMetadata
   * for GET and WATCH, PartialObjectMetadataList for LIST (the other pairings are the apiserver's
   * 406s). Over a WebSocket (watches only) protobuf events are binary messages.
   */
  static boolean servable(Negotiation.Representation rep, String verb) {
    return switch (rep.kind()) {
      case JSON -> true;
      case PROTOBUF -> true;
      case JSON_PARTIAL_OBJECT_METADATA -> !verb.equals("list");
      case JSON_PARTIAL_OBJECT_METADATA_LIST -> verb.equals("list");
      case PROTOBUF_PARTIAL_OBJECT_METADATA -> !verb.equals("list");
      case PROTOBUF_PARTIAL_OBJECT_METADATA_LIST -> verb.equals("list");
      case TABLE -> true;
      case NOT_ACCEPTABLE, OTHER -> false;
    };
  }

  /** One request being served from a cache; confined to its context. */
  private final class Exchange {
    final HttpServerRequest req;
    final HttpServerResponse resp;
    final Context ctx;
    final RequestInfo info;
    final ResourceCache rc;
    final long arrival;
    final boolean pretty;
    /** Whether the request waited for the cache (freshness or a resourceVersion) before being served. */
    boolean waited;
    /** The namespace a LIST is run in: the request's, or the one its field selector pins (page 1 only). */
    String listNamespace = "";

    final boolean webSocket;

    final Negotiation.Representation rep;
    /** The Table bodies when {@code rep} is TABLE, else null. */
    dev.breakwater.proxy.table.TableBodies table;

    Exchange(HttpServerRequest req, Context ctx, RequestInfo info, ResourceCache rc, long arrival, boolean webSocket,
        Negotiation.Representation rep) {
      this.webSocket = webSocket;
      this.rep = rep;
      this.req = req;
      this.resp = req.response();
      this.ctx = ctx;
      this.info = info;
      this.rc = rc;
      this.arrival = arrival;
      this.pretty = !rep.protobuf() && (rep.prettyParam() || StatusResponses.pretty(req));
    }

    void start() {
      if (webSocket && !info.verb().equals("watch")) {
        delegate();
        return;
      }
      switch (info.verb()) {
        case "list" -> list();
        case "watch" -> watch();
        default -> get();
      }
    }

    /** Hands the request upstream (coalesced when it is a LIST), as of its arrival. */
    void delegate() {
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} {}: upstream ({})", info.verb(), req.uri(), StackWalker.getInstance().walk(f -> f.skip(1).findFirst()
            .map(x -> x.getMethodName() + ":" + x.getLineNumber()).orElse("?")));
      }
      forward(req, arrival);
    }

    String param(String name) {
      String v = RequestInfo.firstParam(req.query(), name);
      return v == null ? "" : v;
    }

    // ---- LIST ----

    void list() {
      long limit = 0;
      String limitParam = param("limit");
      if (!limitParam.isEmpty()) {
        try {
          limit = Long.parseLong(limitParam);
        } catch (NumberFormatException e) {
          delegate(); // the apiserver words strconv errors
          return;
        }
      }
      Result<LabelSelector> label = LabelSelector.parse(param("labelSelector"));
      if (!label.isOk()) {
        status(label.error());
        return;
      }
      Result<FieldSelector> field = FieldSelector.parse(param("fieldSelector"));
      if (!field.isOk()) {
        status(field.error());
        return;
      }
      Result<FieldSelector> converted = field.value().transform(rc.fieldLabels());
      if (!converted.isOk()) {
        delegate(); // unknown field labels: texts differ by kind and CRD; upstream words them
        return;
      }
      SelectionPredicate predicate = SelectionPredicate.of(label.value(), converted.value(), rc.fieldLabels(), rc.extractor());
      // Store.ListPredicate: a cluster-wide LIST whose field selector pins one valid namespace is run
      // as a LIST of that namespace — only without a continue token (MatchesSingleNamespace), so the
      // next page's token, relative to the namespace, is read against the cluster-wide key.
      String namespace = info.namespace();
      if (namespace.isEmpty() && rc.resource().namespaced() && param("continue").isEmpty()) {
        namespace = converted.value().requiresExactMatch("metadata.namespace").filter(CachingReadHandler::validNamespace).orElse("");
      }
      listNamespace = namespace;
      ListParams p = new ListParams(rc.listKey(info.namespace()), param("resourceVersion"), param("resourceVersionMatch"),
          param("continue"), limit, label.value().isEmpty(), converted.value().isEmpty(),
          RequestInfo.firstParam(req.query(), "sendInitialEvents") != null);
      decideList(p, predicate, false);
    }

    void decideList(ListParams p, SelectionPredicate predicate, boolean waitedForReady) {
      ListDecision d = ReadRouting.list(p, rc.state(), rc.path());
      if (d instanceof ListDecision.Reject reject) {
        status(reject.status());
        return;
      }
      if (d instanceof ListDecision.Delegate) {
        if (!rc.state().ready() && !waitedForReady) {
          // The apiserver sends a paginated LIST on an unready cache to etcd (KEP-4568). A proxy that
          // did so would hand a relist storm to the upstream — and the RVs of those upstream answers
          // would start the informers' watches below the cache's window, upstream too. So it waits
          // for the cache first (bounded), and only a cache that stays unready sends them upstream.
          await(rc.cache().ready().whenReady().thenApply(g -> 0L), READY_TIMEOUT_MS,
              v -> decideList(p, predicate, true), () -> decideList(p, predicate, true));
          return;
        }
        delegate();
        return;
      }
      if (!rc.state().ready()) {
        if (waitedForReady) {
          status(rc.cache().ready().unreadyStatus());
          return;
        }
        await(rc.cache().ready().whenReady().thenApply(g -> 0L), READY_TIMEOUT_MS,
            v -> decideList(p, predicate, true), () -> status(rc.cache().ready().unreadyStatus()));
        return;
      }
      String prefix = OrderedStore.namespacePrefix(listNamespace);
      long limit = p.limit();
      switch (d) {
        // The etcd path has no prompt progress signal (its watch bookmarks follow etcd's progress
        // notify, minutes apart), so a consistent read could not confirm freshness in time: it
        // goes where the apiserver itself serves it from, etcd.
        case ListDecision.Consistent c when rc.path() == ServingPath.ETCD -> delegate();
        case ListDecision.Consistent c -> await(rc.fresh(arrival), FRESHNESS_TIMEOUT_MS,
            current -> serveList(new WatchCache.ListRequest(prefix, "", WatchCache.Match.UNSET, limit, relative(c.startKey()),
                c.startKey() == null ? 0 : -1, predicate, current), p),
            () -> delegate());
        case ListDecision.NotOlderThan n -> {
          if (rc.path() == ServingPath.ETCD && Long.compareUnsigned(n.minResourceVersion(), rc.cache().resourceVersion()) > 0) {
            delegate(); // etcd answers 504 at once, without Retry-After
            return;
          }
          // RV=0 on the etcd path honours limit: ask the cache for current state without the RV=0 rule.
          String rv = n.honourLimit() && n.minResourceVersion() == 0 ? "" : p.resourceVersion();
          WatchCache.Match match = p.resourceVersionMatch().equals("NotOlderThan") && !rv.isEmpty()
              ? WatchCache.Match.NOT_OLDER_THAN : WatchCache.Match.UNSET;
          await(rc.whenFresh(n.minResourceVersion()), FRESHNESS_TIMEOUT_MS,
              v -> serveList(new WatchCache.ListRequest(prefix, rv, match, limit, null, 0, predicate, 0), p),
              () -> status(rc.cache().tooLargeResourceVersion(n.minResourceVersion())));
        }
        case ListDecision.Exact e -> {
          if (rc.path() == ServingPath.ETCD && Long.compareUnsigned(e.resourceVersion(), rc.cache().resourceVersion()) > 0) {
            delegate();
            return;
          }
          WatchCache.ListRequest lr = e.startKey() == null
              ? new WatchCache.ListRequest(prefix, Long.toUnsignedString(e.resourceVersion()), WatchCache.Match.EXACT, limit, null, 0, predicate, 0)
              : new WatchCache.ListRequest(prefix, "", WatchCache.Match.UNSET, limit, relative(e.startKey()), e.resourceVersion(), predicate, 0);
          await(rc.whenFresh(e.resourceVersion()), FRESHNESS_TIMEOUT_MS, v -> serveList(lr, p),
              () -> status(rc.cache().tooLargeResourceVersion(e.resourceVersion())));
        }
        default -> delegate();
      }
    }

    /** A decoded continue key under {@code /registry/<resource>/} → the store's key. */
    String relative(String fullKey) {
      if (fullKey == null) {
        return null;
      }
      String root = rc.listKey("") + "/";
      return fullKey.startsWith(root) ? fullKey.substring(root.length()) : fullKey;
    }

    void serveList(WatchCache.ListRequest lr, ListParams p) {
      Result<WatchCache.ListResult> result = rc.cache().list(lr);
      if (!result.isOk()) {
        if (result.error().code() == 410) {
          delegate(); // snapshot evicted meanwhile: storage answers (exactly or 410)
        } else {
          status(result.error());
        }
        return;
      }
      WatchCache.ListResult lrs = result.value();
      String token = null;
      if (lrs.page().continueKey() != null) {
        ContinueToken.Form form = rc.path() == ServingPath.ETCD ? ContinueToken.Form.ETCD : ContinueToken.Form.WATCH_CACHE;
        Result<String> t = ContinueToken.encode(rc.listKey("") + "/" + lrs.page().continueKey(),
            form.keyPrefix(rc.listKey(listNamespace)), lrs.resourceVersion());
        if (!t.isOk()) {
          status(t.error());
          return;
        }
        token = t.value();
      }
      Resource r = rc.resource();
      java.util.function.Supplier<byte[]> enc;
      try {
        enc = encoder(lrs, token, r);
      } catch (RuntimeException e) {
        LOG.warn("cannot encode {} for {}: {}; asking upstream", r.groupResource(), req.uri(), e.toString());
        delegate();
        return;
      }
      headers(200);
      resp.setChunked(true);
      stats.listsFromCache.incrementAndGet();
      metrics.request("list", rc.resource().groupResource(), served());
      pump(enc);
    }

    /** The body encoder for a list page in the negotiated representation. */
    java.util.function.Supplier<byte[]> encoder(WatchCache.ListResult lrs, String token, Resource r) {
      java.util.function.Supplier<byte[]> enc;
      var pom = rc.partialObjectMetadata();
      if (rep.kind() == Negotiation.Kind.TABLE) {
        enc = table.list(lrs, token, pretty);
      } else if (rep.kind() == Negotiation.Kind.PROTOBUF) {
        enc = new dev.breakwater.cache.codec.ProtobufListEncoder(r.apiVersion(), r.kind() + "List", lrs.resourceVersion(), token,
            lrs.page().remainingItemCount(), lrs.page().items(), dev.breakwater.cache.codec.ProtobufListEncoder.STORED, 1, 2)::nextChunk;
      } else if (rep.kind() == Negotiation.Kind.PROTOBUF_PARTIAL_OBJECT_METADATA_LIST) {
        enc = new dev.breakwater.cache.codec.ProtobufListEncoder(rep.metaApiVersion(),
            dev.breakwater.cache.codec.PartialObjectMetadataCodec.LIST_KIND, lrs.resourceVersion(), token,
            lrs.page().remainingItemCount(), lrs.page().items(), pom::protoMessage,
            rep.metaVersion().equals("v1") ? 1 : 2, rep.metaVersion().equals("v1") ? 2 : 1)::nextChunk;
      } else if (rep.kind() == Negotiation.Kind.JSON_PARTIAL_OBJECT_METADATA_LIST) {
        String apiVersion = rep.metaApiVersion();
        enc = new JsonListEncoder(JsonListEncoder.Envelope.partialObjectMetadataList(apiVersion, lrs.resourceVersion(), token,
            lrs.page().remainingItemCount()), lrs.page().items().iterator(), pretty,
            o -> dev.breakwater.cache.codec.PartialObjectMetadataCodec.json(apiVersion, pom.metadataJson(o)))::nextChunk;
      } else {
        enc = new JsonListEncoder(new JsonListEncoder.Envelope(r.kind() + "List", r.apiVersion(),
            lrs.resourceVersion(), token, lrs.page().remainingItemCount(), !r.builtIn()), lrs.page().items().iterator(), pretty)::nextChunk;
      }
      return enc;
    }

    void pump(java.util.function.Supplier<byte[]> enc) {
      while (!resp.writeQueueFull()) {
        byte[] chunk;
        try {
          chunk = enc.get();
        } catch (RuntimeException e) {
          // An object the encoder cannot transform (never seen from a real apiserver): the response
          // is reset rather than ended, so a truncated body is never taken for a complete one.
          LOG.warn("cannot encode {} for {}: {}", rc.resource().groupResource(), req.uri(), e.toString());
          resp.reset();
          return;
        }
        if (chunk == null) {
          resp.end();
          return;
        }
        resp.write(Buffer.buffer(chunk));
      }
      resp.drainHandler(v -> pump(enc));
    }

    // ---- GET ----

    void get() {
      if (!rc.state().ready()) {
        // Unready cache: the apiserver's GETs go to storage (KEP-4568); ours wait for the cache first
        // (bounded), as LISTs do, and go upstream only if it stays unready.
        await(rc.cache().ready().whenReady().thenApply(g -> 0L), READY_TIMEOUT_MS, v -> serveGetWhenReady(), this::delegate);
        return;
      }
      serveGetWhenReady();
    }

    void serveGetWhenReady() {
      if (!rc.state().ready()) {
        delegate();
        return;
      }
      String rv = param("resourceVersion");
      String key = info.namespace().isEmpty() ? info.name() : info.namespace() + "/" + info.name();
      if (rv.isEmpty()) {
        if (rc.path() == ServingPath.ETCD) {
          delegate(); // see decideList: no prompt freshness confirmation on the etcd path
          return;
        }
        await(rc.fresh(arrival), FRESHNESS_TIMEOUT_MS, v -> serveGet(key), () -> delegate());
        return;
      }
      long min = ReadRouting.parseResourceVersion(rv);
      if (min < 0) {
        delegate(); // 500 with the apiserver's own text
        return;
      }
      if (rc.path() == ServingPath.ETCD && Long.compareUnsigned(min, rc.cache().resourceVersion()) > 0) {
        delegate();
        return;
      }
      await(rc.whenFresh(min), FRESHNESS_TIMEOUT_MS, v -> serveGet(key),
          () -> status(rc.cache().tooLargeResourceVersion(min)));
    }

    void serveGet(String key) {
      Optional<CachedObject> o = rc.cache().current().store().get(key);
      if (o.isEmpty()) {
        status(ApiStatus.notFound(rc.resource().group(), rc.resource().resource(), info.name()));
        return;
      }
      CachedObject obj = o.get();
      byte[] body;
      var pom = rc.partialObjectMetadata();
      try {
        if (rep.kind() == Negotiation.Kind.TABLE) {
          body = table.get(obj, pretty);
        } else if (rep.kind() == Negotiation.Kind.PROTOBUF) {
          body = dev.breakwater.cache.codec.ProtobufWire.envelope(rc.resource().apiVersion(), rc.resource().kind(), obj.copyJson());
        } else if (rep.kind() == Negotiation.Kind.PROTOBUF_PARTIAL_OBJECT_METADATA) {
          body = dev.breakwater.cache.codec.PartialObjectMetadataCodec.protoEnvelope(rep.metaApiVersion(),
              dev.breakwater.cache.codec.PartialObjectMetadataCodec.KIND, pom.protoMessage(obj));
        } else if (rep.kind() == Negotiation.Kind.JSON_PARTIAL_OBJECT_METADATA) {
          body = JsonListEncoder.document(dev.breakwater.cache.codec.PartialObjectMetadataCodec.json(rep.metaApiVersion(),
              pom.metadataJson(obj)), pretty);
        } else {
          body = JsonListEncoder.object(obj, bare(obj) ? rc.typeMeta() : null, pretty);
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot encode {} for {}: {}; asking upstream", rc.resource().groupResource(), req.uri(), e.toString());
        delegate();
        return;
      }
      headers(200);
      stats.getsFromCache.incrementAndGet();
      metrics.request("get", rc.resource().groupResource(), served());
      resp.end(Buffer.buffer(body));
    }

    boolean bare(CachedObject obj) {
      byte[] head = new byte[12];
      obj.jsonBuffer().get(head, 0, Math.min(head.length, obj.jsonLength()));
      return new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("{\"metadata\"");
    }

    // ---- WATCH ----

    /**
     * Watches of built-in resources on the watch-cache path, over chunked HTTP: WatchLists (RV
     * unset or 0 default to one in 1.36; or explicit {@code sendInitialEvents=true}) and watches
     * from an RV the cache's window still holds. Everything else — WebSocket upgrades, the etcd
     * path, custom resources, invalid option combinations, an RV older than the window — goes
     * upstream, whose answer is exact by construction.
     */
    void watch() {
      String rv = param("resourceVersion");
      String rvm = param("resourceVersionMatch");
      String sieParam = RequestInfo.firstParam(req.query(), "sendInitialEvents");
      if (rc.path() != ServingPath.WATCH_CACHE || !param("continue").isEmpty()) {
        delegate();
        return;
      }
      if (!rc.state().ready()) {
        // A starting cache: wait for it (bounded) rather than hand a long-lived watch upstream for
        // its whole life; then the apiserver's own answer for an unready cache, 429.
        await(rc.cache().ready().whenReady().thenApply(g -> 0L), READY_TIMEOUT_MS, v -> watch(),
            () -> status(rc.cache().ready().unreadyStatus()));
        return;
      }
      Boolean sie = sieParam == null ? null : switch (sieParam) {
        case "true", "1", "t", "T", "TRUE", "True" -> Boolean.TRUE;
        case "false", "0", "f", "F", "FALSE", "False" -> Boolean.FALSE;
        default -> null;
      };
      if ((sieParam != null && (sie == null || !rvm.equals("NotOlderThan"))) || (sieParam == null && !rvm.isEmpty())
          || Boolean.FALSE.equals(sie)) {
        delegate(); // 422s and sendInitialEvents=false: upstream
        return;
      }
      boolean watchList = Boolean.TRUE.equals(sie) || rv.isEmpty() || rv.equals("0");
      long since = rv.isEmpty() ? 0 : ReadRouting.parseResourceVersion(rv);
      long timeout;
      String timeoutParam = param("timeoutSeconds");
      if (timeoutParam.isEmpty() || timeoutParam.equals("0")) {
        timeout = (long) (1800 * (1 + java.util.concurrent.ThreadLocalRandom.current().nextDouble()));
      } else {
        timeout = ReadRouting.parseResourceVersion(timeoutParam);
      }
      if (since < 0 || timeout <= 0) {
        delegate();
        return;
      }
      Result<LabelSelector> label = LabelSelector.parse(param("labelSelector"));
      Result<FieldSelector> field = FieldSelector.parse(param("fieldSelector"));
      Result<FieldSelector> converted = field.isOk() ? field.value().transform(rc.fieldLabels()) : field;
      if (!label.isOk() || !converted.isOk()) {
        delegate();
        return;
      }
      SelectionPredicate predicate = SelectionPredicate.of(label.value(), converted.value(), rc.fieldLabels(), rc.extractor());
      boolean bookmarks = "true".equals(param("allowWatchBookmarks")) || "1".equals(param("allowWatchBookmarks"));
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(timeout);
      WatchCache.WatchRequest wr = new WatchCache.WatchRequest(OrderedStore.namespacePrefix(info.namespace()),
          since, watchList ? Boolean.TRUE : null, bookmarks, predicate, deadline);
      Runnable open = () -> openWatch(wr);
      if (watchList && rv.isEmpty()) {
        await(rc.fresh(arrival), FRESHNESS_TIMEOUT_MS, v -> open.run(), () -> delegate());
      } else if (watchList && since > 0) {
        await(rc.whenFresh(since), FRESHNESS_TIMEOUT_MS, v -> open.run(), () -> delegate());
      } else {
        open.run();
      }
    }

    void openWatch(WatchCache.WatchRequest wr) {
      if (webSocket) {
        openWebSocketWatch(wr);
        return;
      }
      HttpWatchSink sink = HttpWatchSink.chunked(resp, ctx, watchEncoder());
      // The sink hands writes to this context: they run after this method has written the head.
      Result<dev.breakwater.cache.CacheWatcher> w = rc.cache().watch(wr, sink);
      if (!w.isOk()) {
        if (w.error().code() == 410) {
          delegate(); // older than our window: upstream decides (its history may reach further)
        } else {
          status(w.error());
        }
        return;
      }
      headers(200);
      resp.setChunked(true);
      resp.writeHead();
      Runnable stopped = watching(w.value(), sink);
      resp.closeHandler(v -> stopped.run());
      resp.endHandler(v -> stopped.run());
    }

    /**
     * Counts a watch served from the cache and registers it for graceful shutdown (which ends it
     * cleanly); returns what the connection's close must run (idempotent).
     */
    Runnable watching(dev.breakwater.cache.CacheWatcher watcher, HttpWatchSink sink) {
      stats.watchesFromCache.incrementAndGet();
      metrics.request("watch", rc.resource().groupResource(), served());
      InFlight.Entry entry = passThrough.inFlight().add(resp, () -> {
        watcher.stop();
        sink.end();
      });
      return () -> {
        watcher.stop();
        passThrough.inFlight().remove(entry);
      };
    }

    /**
     * The same watch over a WebSocket: the history is checked before the handshake so that an RV
     * older than the window still goes upstream; then each event is one text message, and the
     * end of the watch closes the socket normally, as the apiserver's x/net websocket does.
     */
    void openWebSocketWatch(WatchCache.WatchRequest wr) {
      if (wr.sendInitialEvents() == null && !rc.cache().eventsSince(wr.resourceVersion()).isOk()) {
        delegate();
        return;
      }
      req.toWebSocket().onComplete(ar -> {
        if (ar.failed()) {
          LOG.debug("websocket handshake for {} failed: {}", req.uri(), ar.cause().toString());
          return;
        }
        io.vertx.core.http.ServerWebSocket ws = ar.result();
        HttpWatchSink sink = HttpWatchSink.webSocket(ws, ctx, watchEncoder());
        Result<dev.breakwater.cache.CacheWatcher> w = rc.cache().watch(wr, sink);
        if (!w.isOk()) {
          // Evicted between the check and now: tell the client as the apiserver tells a too-old watch.
          if (rep.protobuf()) {
            ws.writeBinaryMessage(Buffer.buffer(dev.breakwater.cache.codec.StatusProtobuf.watchErrorEvent(w.error())));
          } else {
            ws.writeTextMessage("{\"type\":\"ERROR\",\"object\":" + w.error().toJsonString().trim() + "}\n");
          }
          ws.close((short) 1000);
          return;
        }
        ws.textMessageHandler(m -> { }); // the client sends nothing; ignore what it does
        ws.binaryMessageHandler(m -> { });
        Runnable stopped = watching(w.value(), sink);
        ws.closeHandler(v -> stopped.run());
      });
    }

    // ---- plumbing ----

    /** Runs {@code onValue} on the request's context when {@code f} completes in time, else {@code onTimeout}. */
    <T> void await(CompletableFuture<T> f, long timeoutMs, java.util.function.Consumer<T> onValue, Runnable onTimeout) {
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
          onTimeout.run();
        }
      }));
    }

    /** The metrics label of a read answered from the cache: at once, or after a wait. */
    String served() {
      return waited ? "waited" : "cache";
    }

    /** The watch event encoding the request negotiated. */
    dev.breakwater.cache.codec.WatchEventEncoder watchEncoder() {
      if (rep.kind() == Negotiation.Kind.TABLE) {
        return table.watchEncoder();
      }
      // Shared per cache and representation: an event fanned out to many watchers is encoded once.
      if (rep.kind() == Negotiation.Kind.PROTOBUF) {
        return rc.sharedWatchEncoder("protobuf", () -> new dev.breakwater.cache.codec.ProtobufWatchEncoder(rc.resource().apiVersion(),
            rc.resource().kind(), rc.protobufFrames()));
      }
      if (rep.partialObjectMetadata()) {
        return rc.sharedWatchEncoder("pom/" + rep.metaApiVersion() + (rep.protobuf() ? "/protobuf" : "/json"),
            () -> new dev.breakwater.cache.codec.PartialObjectMetadataWatchEncoder(rc.partialObjectMetadata(), rep.metaApiVersion(),
                rep.protobuf(), !rc.resource().builtIn()));
      }
      return rc.sharedWatchEncoder("json", () -> new dev.breakwater.cache.codec.JsonWatchEncoder(rc.typeMeta(), !rc.resource().builtIn(),
          rc.jsonFrames()::bookmarkTail));
    }

    void headers(int code) {
      resp.setStatusCode(code);
      resp.putHeader("Content-Type", code == 200 && rep.protobuf()
          ? (info.verb().equals("watch") ? "application/vnd.kubernetes.protobuf;stream=watch" : "application/vnd.kubernetes.protobuf")
          : "application/json");
      resp.putHeader("Cache-Control", "no-cache, private");
      resp.putHeader("Audit-Id", UUID.randomUUID().toString());
    }

    /** Answers with an error Status, encoded as the apiserver would for this Accept (YAML: upstream). */
    void status(ApiStatus s) {
      if (!StatusResponses.negotiable(req)) {
        delegate();
        return;
      }
      stats.errorsAtEdge.incrementAndGet();
      metrics.request(info.verb(), rc.resource().groupResource(), "edge");
      StatusResponses.sendNegotiated(req, s);
    }
  }

  /** A DNS-1123 label, as ValidateNamespaceName requires. */
  static boolean validNamespace(String ns) {
    return ns.length() <= 63 && ns.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }


}
