package dev.breakwater.proxy.cache;

import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The upstream's current resourceVersion for one resource, learned as the apiserver learns it
 * from etcd for a consistent read: a quorum {@code LIST ?limit=1} with no resourceVersion (never
 * {@code 0}, which may be stale). Its {@code metadata.resourceVersion} is at least every write
 * that completed before the probe was sent.
 *
 * <p>Coalescing: a request may join a probe in flight only if that probe was sent after the
 * request arrived (it then reflects every write the request must see); otherwise it starts a
 * new one, which later arrivals join. Thread-safe.
 */
final class CurrentResourceVersionProbe {

  private static final JsonFrames FRAMES = new JsonFrames(new ObjectExtractor(List.of()));

  private final Upstream upstream;
  private final String collectionPath;
  private CompletableFuture<Long> inFlight;
  private long inFlightSentNanos;

  CurrentResourceVersionProbe(Upstream upstream, String collectionPath) {
    this.upstream = upstream;
    this.collectionPath = collectionPath;
  }

  synchronized CompletableFuture<Long> currentResourceVersion(long arrivalNanos) {
    if (inFlight != null && !inFlight.isDone() && inFlightSentNanos - arrivalNanos >= 0) {
      return inFlight;
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    inFlight = f;
    inFlightSentNanos = System.nanoTime();
    send(f);
    return f;
  }

  private void send(CompletableFuture<Long> f) {
    RequestOptions options = upstream.get(collectionPath + "?limit=1", "application/json", "breakwater-probe");
    upstream.http().request(options).compose(HttpClientRequest::send)
        .compose(resp -> resp.body().map(body -> resp.statusCode() == 200 ? body.getBytes() : null))
        .onComplete(ar -> {
          if (ar.failed()) {
            f.completeExceptionally(ar.cause());
          } else if (ar.result() == null) {
            f.completeExceptionally(new IllegalStateException("current resourceVersion probe failed"));
          } else {
            try {
              f.complete(FRAMES.listPage(ar.result()).resourceVersion());
            } catch (JsonFrames.DecodeException e) {
              f.completeExceptionally(e);
            }
          }
        });
  }
}
