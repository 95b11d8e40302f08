package dev.breakwater.proxy.cache;

import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.cache.cacher.Compactor;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.upstream.Upstream;
import dev.breakwater.proxy.upstream.WholeAnswer;
import io.vertx.core.http.RequestOptions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * cache-core's {@link Compactor.Target} for one running cacher over HTTP: its snapshots, and whether
 * the upstream still answers {@code LIST ?limit=1&resourceVersion=R&resourceVersionMatch=Exact} of
 * the resource — 200: held, 410: compacted away (the apiserver's own snapshots are dropped on etcd
 * compaction, then etcd refuses the revision); any other answer or a connection failure fails the
 * probe. The body is read and discarded (one object at most). Counted as
 * {@code breakwater_upstream_requests_total{kind="compaction-probe"}}. Thread-safe.
 */
final class ExactRevisionProbe implements Compactor.Target {

  private final Upstream upstream;
  private final String collectionPath;
  private final Cacher cacher;
  private final ProxyMetrics metrics;

  ExactRevisionProbe(Upstream upstream, String collectionPath, Cacher cacher, ProxyMetrics metrics) {
    this.upstream = upstream;
    this.collectionPath = collectionPath;
    this.cacher = cacher;
    this.metrics = metrics;
  }

  @Override
  public Optional<Long> oldestSnapshot() {
    return cacher.watchCache().oldestSnapshot();
  }

  @Override
  public long resourceVersion() {
    return cacher.watchCache().resourceVersion();
  }

  @Override
  public void compact(long revision) {
    cacher.compact(revision);
  }

  @Override
  public CompletableFuture<Boolean> held(long revision) {
    metrics.upstream("compaction-probe");
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    RequestOptions options = upstream.get(collectionPath + "?limit=1&resourceVersion=" + Long.toUnsignedString(revision)
        + "&resourceVersionMatch=Exact", "application/json", "breakwater-compaction-probe");
    WholeAnswer.of(upstream.request(options)).map(WholeAnswer::status)
        .onComplete(ar -> {
          if (ar.failed()) {
            f.completeExceptionally(ar.cause());
          } else if (ar.result() == 200) {
            f.complete(true);
          } else if (ar.result() == 410) {
            f.complete(false);
          } else {
            f.completeExceptionally(new IllegalStateException("exact-revision probe answered " + ar.result()));
          }
        });
    return f;
  }
}
