package dev.breakwater.proxy.http;

import dev.breakwater.cache.delegator.StaleReads;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import io.vertx.core.http.HttpServerRequest;
import java.time.InstantSource;
import java.util.function.DoubleSupplier;

/**
 * What the read exchanges share with the handler that made them: the way upstream (a LIST through
 * the coalescer, anything else unchanged, as of the request's arrival), counters and metrics, the
 * registry of streaming responses (for graceful shutdown), and the clock and random source of the
 * watch deadline's jitter (injected: tests fix them), and whether consistent reads are served stale during an
 * upstream outage ({@code --serve-stale-on-outage}).
 *
 * @param upstream  sends a request upstream; {@code arrivalNanos} orders it for coalescing
 * @param memory what the exchanges may hold for clients: the admission of expensive reads and the
 *     watchers' byte budget ({@code --max-inflight-bytes}, {@code --max-watch-queue-bytes})
 * @param consistentReadBudgetMs how long a small consistent read ({@code ReadPlan.Budget.SMALL})
 *     waits for the cache's proof of freshness before it goes upstream; 0: upstream at once
 */
record ReadEdge(Upstreaming upstream, ReadStats stats, ProxyMetrics metrics, InFlight inFlight, InstantSource clock,
    DoubleSupplier random, StaleReads staleReads, long consistentReadBudgetMs, ClientMemory memory) {

  /** Hands a request upstream. Called on the request's context. */
  @FunctionalInterface
  interface Upstreaming {
    void forward(HttpServerRequest req, long arrivalNanos);
  }
}
