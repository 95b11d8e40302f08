package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.delegator.GetQuery;
import dev.breakwater.cache.delegator.GetRead;
import dev.breakwater.cache.delegator.ListQuery;
import dev.breakwater.cache.delegator.ListRead;
import dev.breakwater.cache.delegator.Parsed;
import dev.breakwater.cache.delegator.ReadParams;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.delegator.WatchQuery;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
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
        delegate("upgrade of a non-watch");
        return;
      }
      switch (info.verb()) {
        case "list" -> list();
        case "watch" -> watch();
        default -> get();
      }
    }

    /** Hands the request upstream (coalesced when it is a LIST), as of its arrival. */
    void delegate(String why) {
      LOG.debug("{} {}: upstream ({})", info.verb(), req.uri(), why);
      forward(req, arrival);
    }

    String param(String name) {
      String v = RequestInfo.firstParam(req.query(), name);
      return v == null ? "" : v;
    }

    // ---- plans ----

    /** One verb's part in carrying out a {@link ReadPlan}: planning again, binding a consistent read's RV, serving. */
    interface Verb<R> {
      ReadPlan<R> plan(boolean waitedForReady);

      /** The read once a consistent read's upstream RV is known (and reached). */
      R bind(R read, long currentResourceVersion);

      void serve(R read);
    }

    /** Carries out {@code plan}; waits hop back to this context. */
    <R> void run(Verb<R> verb, ReadPlan<R> plan) {
      switch (plan) {
        case ReadPlan.Reject<R> r -> status(r.status());
        case ReadPlan.Delegate<R> d -> delegate(d.why());
        case ReadPlan.AwaitReady<R> a -> await(rc.cache().ready().whenReady().thenApply(g -> 0L), ReadPlan.READY_TIMEOUT_MS,
            v -> run(verb, verb.plan(true)), () -> run(verb, verb.plan(true)));
        case ReadPlan.AwaitFresh<R> f -> {
          boolean consistent = f.freshness() == ReadPlan.Freshness.CONSISTENT;
          await(consistent ? rc.fresh(arrival) : rc.whenFresh(f.resourceVersion()), ReadPlan.FRESHNESS_TIMEOUT_MS,
              current -> verb.serve(consistent ? verb.bind(f.then().read(), current) : f.then().read()),
              () -> {
                if (f.onTimeout() == ReadPlan.OnTimeout.DELEGATE) {
                  delegate("not fresh in time");
                } else {
                  status(rc.cache().tooLargeResourceVersion(f.resourceVersion()));
                }
              });
        }
        case ReadPlan.Serve<R> sv -> verb.serve(sv.read());
      }
    }

    // ---- LIST ----

    void list() {
      Parsed<ListQuery> q = ReadParams.list(req.query(), info.namespace(), rc.scope());
      Verb<ListRead> verb = new Verb<>() {
        @Override
        public ReadPlan<ListRead> plan(boolean waitedForReady) {
          return ReadRouting.list(q.value(), rc.state(), rc.path(), waitedForReady);
        }

        @Override
        public ListRead bind(ListRead read, long current) {
          return read.atResourceVersion(current);
        }

        @Override
        public void serve(ListRead read) {
          serveList(read);
        }
      };
      run(verb, q.ok() ? verb.plan(false) : q.failure());
    }

    void serveList(ListRead read) {
      Result<WatchCache.ListResult> result = rc.cache().list(read.request());
      if (!result.isOk()) {
        if (result.error().code() == 410) {
          delegate("snapshot evicted meanwhile: storage answers (exactly or 410)");
        } else {
          status(result.error());
        }
        return;
      }
      WatchCache.ListResult lrs = result.value();
      Result<java.util.Optional<String>> t = read.continueToken(lrs);
      if (!t.isOk()) {
        status(t.error());
        return;
      }
      String token = t.value().orElse(null);
      Resource r = rc.resource();
      java.util.function.Supplier<byte[]> enc;
      try {
        enc = encoder(lrs, token, r);
      } catch (RuntimeException e) {
        LOG.warn("cannot encode {} for {}: {}; asking upstream", r.groupResource(), req.uri(), e.toString());
        delegate("cannot encode");
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
      GetQuery q = ReadParams.get(req.query(), info.namespace(), info.name());
      Verb<GetRead> verb = new Verb<>() {
        @Override
        public ReadPlan<GetRead> plan(boolean waitedForReady) {
          return ReadRouting.get(q, rc.state(), rc.path(), waitedForReady);
        }

        @Override
        public GetRead bind(GetRead read, long current) {
          return read.atResourceVersion(current);
        }

        @Override
        public void serve(GetRead read) {
          serveGet(read);
        }
      };
      run(verb, verb.plan(false));
    }

    void serveGet(GetRead read) {
      Result<WatchCache.GetResult> got = rc.cache().get(read.key(), read.minResourceVersion());
      if (!got.isOk()) {
        if (got.error().code() == 429) {
          delegate("cache became unready: GET goes to storage");
        } else {
          status(got.error());
        }
        return;
      }
      Optional<CachedObject> o = got.value().object();
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
        delegate("cannot encode");
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
     * Watches over chunked HTTP or a WebSocket, as {@link ReadRouting#watch} plans them: WatchLists
     * (RV unset or 0 default to one in 1.36; or explicit {@code sendInitialEvents=true}) and watches
     * from an RV the cache's window still holds. Everything else — the etcd path, invalid option
     * combinations, an RV older than the window — goes upstream, whose answer is exact by
     * construction.
     */
    void watch() {
      Parsed<WatchQuery> q = ReadParams.watch(req.query(), info.namespace(), rc.scope(), java.time.Clock.systemUTC(),
          () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
      Verb<WatchCache.WatchRequest> verb = new Verb<>() {
        @Override
        public ReadPlan<WatchCache.WatchRequest> plan(boolean waitedForReady) {
          return ReadRouting.watch(q.value(), rc.state(), rc.path(), waitedForReady);
        }

        @Override
        public WatchCache.WatchRequest bind(WatchCache.WatchRequest read, long current) {
          return read;
        }

        @Override
        public void serve(WatchCache.WatchRequest read) {
          openWatch(read);
        }
      };
      run(verb, q.ok() ? verb.plan(false) : q.failure());
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
          delegate("older than the window: upstream decides (its history may reach further)");
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
        delegate("older than the window: upstream decides");
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
        delegate("a YAML Status is the apiserver's to write");
        return;
      }
      stats.errorsAtEdge.incrementAndGet();
      metrics.request(info.verb(), rc.resource().groupResource(), "edge");
      StatusResponses.sendNegotiated(req, s);
    }
  }

}
