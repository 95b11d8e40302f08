/**
 * The HTTP edge, Vert.x glue only. Pass-through: {@link dev.breakwater.proxy.http.PassThroughHandler}
 * (streaming both ways), {@link dev.breakwater.proxy.http.UpgradeTunnel} (exec/attach/port-forward),
 * {@link dev.breakwater.proxy.http.ListCoalescer} (identical upstream LISTs share one request).
 *
 * <p>Cached reads, top to bottom: {@link dev.breakwater.proxy.http.CachingReadHandler} gates a request
 * (what a cache may answer; the 406s before any read) and hands it to the exchange of its verb —
 * {@link dev.breakwater.proxy.http.ListExchange}, {@link dev.breakwater.proxy.http.GetExchange},
 * {@link dev.breakwater.proxy.http.WatchExchange} (chunked HTTP and WebSocket) — which carry out the
 * plan cache-core's {@code delegator.ReadRouting} makes ({@link dev.breakwater.proxy.http.ReadExchange}:
 * reject, delegate, wait, serve) against the resource's {@code cacher.CacheReads}.
 * {@link dev.breakwater.proxy.http.Representations} is the one place a negotiated representation
 * becomes its list / object / watch encoders; {@link dev.breakwater.proxy.http.BodyPump} streams a body
 * with back-pressure and {@link dev.breakwater.proxy.http.HttpWatchSink} a watch;
 * {@link dev.breakwater.proxy.http.StatusResponses} writes Status bodies (their encoding is
 * cache-core's {@code negotiation.ErrorBodies}).
 *
 * <p>Threading: every handler runs on its connection's event loop and never blocks; cache futures
 * complete on cache threads and hop back to the request's context.
 */
package dev.breakwater.proxy.http;
