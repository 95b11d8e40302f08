package dev.breakwater.proxy.http;

import dev.breakwater.cache.CacheWatcher;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.admission.Admission;
import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.codec.StatusProtobuf;
import dev.breakwater.cache.delegator.Parsed;
import dev.breakwater.cache.delegator.ReadParams;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.delegator.WatchQuery;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.status.Result;
import dev.breakwater.proxy.table.TableBodies;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WATCH from the cache, over chunked HTTP or a WebSocket: {@link ReadParams#watch} (deadline from
 * the edge's clock and random draw) + {@link ReadRouting#watch}, then a {@link CacheWatcher} writing
 * into an {@link HttpWatchSink}. An RV older than the cache's window goes upstream (its history may
 * reach further), checked before the WebSocket handshake so the upstream can still answer.
 *
 * <p>Memory: a WatchList (initial events from the state) arriving while the bytes held for clients
 * are over {@code --max-inflight-bytes} gets the apiserver's overload 429; a watch from an RV is
 * always admitted. Each sink has the per-watcher budget ({@code --max-watch-queue-bytes}); a
 * watcher closed for it ends as any other (no ERROR event) and is counted.
 *
 * <p>Over a WebSocket each event is one message (text for JSON, binary for protobuf) and the end of
 * the watch closes the socket normally, as the apiserver's x/net websocket does; what the client
 * sends is ignored.
 */
final class WatchExchange extends ReadExchange<WatchCache.WatchRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(WatchExchange.class);

  private final Parsed<WatchQuery> query;
  private final boolean webSocket;

  WatchExchange(HttpServerRequest req, Context ctx, RequestInfo info, CacheReads cache, ReadEdge edge,
      Negotiation.Representation rep, TableBodies table, long arrival, boolean waited, boolean webSocket) {
    super(req, ctx, info, cache, edge, rep, table, arrival, waited);
    this.webSocket = webSocket;
    this.query = ReadParams.watch(req.query(), info.namespace(), cache.scope(), edge.clock(), edge.random());
  }

  @Override
  Parsed<?> query() {
    return query;
  }

  @Override
  ReadPlan<WatchCache.WatchRequest> route(CacheState state, boolean waitedForReady) {
    return ReadRouting.watch(query.value(), state, cache.path(), waitedForReady);
  }

  /** A WebSocket's 101 carries no Warning: its consistent WatchLists are not served stale (they go upstream). */
  @Override
  boolean canWarn() {
    return !webSocket;
  }

  @Override
  WatchCache.WatchRequest bind(WatchCache.WatchRequest read, long current) {
    // A WatchList takes its initial state from the cache as it is (≥ current); a
    // sendInitialEvents=false watch starts after current.
    return Boolean.FALSE.equals(read.sendInitialEvents()) ? read.from(current) : read;
  }

  @Override
  void serve(WatchCache.WatchRequest wr) {
    // A WatchList (the state as initial events) over the memory budget: the apiserver's 429, before any handshake.
    if (!admitted(Admission.ofWatch(wr))) {
      return;
    }
    if (dev.breakwater.cache.delegator.ReadRouting.wantsFreshBookmarks(wr, edge.clock().instant(),
        req.headers().contains(dev.breakwater.cache.delegator.ReadRouting.PROGRESS_WATCH_HEADER))) {
      cache.demandProgress();
    }
    if (webSocket) {
      serveWebSocket(wr);
      return;
    }
    HttpWatchSink sink = HttpWatchSink.chunked(resp, ctx, Representations.watch(rep, cache.codecs(), table),
        edge.memory().watcherBudget(), this::terminated);
    // The sink hands writes to this context: they run after this method has written the head.
    Result<CacheWatcher> w = cache.watch(wr, pathBookmarks(sink));
    if (!w.isOk()) {
      if (w.error().code() == 410 && sharded(wr)) {
        tooOldForTheWindow(w.error());
      } else if (w.error().code() == 410) {
        delegate("older than the window: upstream decides (its history may reach further)");
      } else {
        status(w.error());
      }
      return;
    }
    headers();
    resp.setChunked(true);
    resp.writeHead();
    Runnable stopped = watching(w.value(), sink);
    resp.closeHandler(v -> stopped.run());
    resp.endHandler(v -> stopped.run());
  }

  /**
   * A sharded watch (JSON or protobuf) whose RV is older than the cache's window is not passed upstream, whose
   * ShardedListAndWatch gate may be off (it would then stream every shard's events): it gets what an apiserver with
   * the gate on gives a watch older than its cache's window, 200 and one ERROR event, 410 {@code too old resource
   * version: N (M)} (M from this cache's window), and the client relists — from the cache, sharded. A Table watch
   * still goes upstream.
   */
  private boolean sharded(WatchCache.WatchRequest wr) {
    return wr.predicate().shard() != null && rep.kind() != Negotiation.Kind.TABLE;
  }

  private void tooOldForTheWindow(dev.breakwater.cache.status.ApiStatus error) {
    headers();
    resp.setChunked(true);
    resp.end(rep.protobuf() ? Buffer.buffer(StatusProtobuf.watchErrorFrame(error))
        : Buffer.buffer("{\"type\":\"ERROR\",\"object\":" + error.toJsonString().trim() + "}\n"));
  }

  private void serveWebSocket(WatchCache.WatchRequest wr) {
    // A watch from an RV (sendInitialEvents unset or false; false with RV 0 starts at the cache's RV).
    boolean fromHistory = wr.sendInitialEvents() == null || (!wr.sendInitialEvents() && wr.resourceVersion() != 0);
    if (fromHistory && !sharded(wr) && !cache.eventsSince(wr.resourceVersion()).isOk()) {
      delegate("older than the window: upstream decides");
      return;
    }
    req.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("websocket handshake for {} failed: {}", req.uri(), ar.cause().toString());
        return;
      }
      ServerWebSocket ws = ar.result();
      HttpWatchSink sink = HttpWatchSink.webSocket(ws, () -> req.connection().close(), ctx, Representations.watch(rep, cache.codecs(), table),
          edge.memory().watcherBudget(), this::terminated);
      Result<CacheWatcher> w = cache.watch(wr, pathBookmarks(sink));
      if (!w.isOk()) {
        // Evicted between the check and now: tell the client as the apiserver tells a too-old watch.
        if (rep.protobuf()) {
          ws.writeBinaryMessage(Buffer.buffer(StatusProtobuf.watchErrorEvent(w.error())));
        } else {
          ws.writeTextMessage("{\"type\":\"ERROR\",\"object\":" + w.error().toJsonString().trim() + "}\n");
        }
        ws.close((short) 1000);
        return;
      }
      ws.textMessageHandler(m -> { });
      ws.binaryMessageHandler(m -> { });
      Runnable stopped = watching(w.value(), sink);
      ws.closeHandler(v -> stopped.run());
    });
  }

  /** The watcher was closed for being blocked past its budget (any thread). */
  private void terminated() {
    LOG.debug("watch {}: closed as unresponsive (its client does not keep up)", req.uri());
    edge.metrics().terminatedWatcher(cache.groupResource());
  }

  /**
   * Counts a watch served from the cache and registers it for graceful shutdown (which ends it
   * cleanly); returns what the connection's close must run (idempotent).
   */
  /**
   * The sink the cache writes to: on the etcd path, with that path's bookmarks (only a WatchList's end marker; {@link
   * dev.breakwater.cache.WatchSink#initialEventsEndBookmarksOnly}), else {@code sink} itself.
   */
  private dev.breakwater.cache.WatchSink pathBookmarks(HttpWatchSink sink) {
    return cache.path() == dev.breakwater.cache.delegator.ServingPath.ETCD
        ? dev.breakwater.cache.WatchSink.initialEventsEndBookmarksOnly(sink) : sink;
  }

  private Runnable watching(CacheWatcher watcher, HttpWatchSink sink) {
    edge.stats().watchesFromCache.incrementAndGet();
    edge.metrics().request("watch", cache.groupResource(), served());
    InFlight.Entry entry = edge.inFlight().add(resp, () -> {
      watcher.stop();
      sink.end();
    });
    return () -> {
      watcher.stop();
      edge.inFlight().remove(entry);
    };
  }
}
