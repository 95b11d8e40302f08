package dev.breakwater.proxy.cache;

import dev.breakwater.cache.cacher.UpstreamRevision;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.proxy.upstream.Upstream;
import dev.breakwater.proxy.upstream.WholeAnswer;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * cache-core's {@link UpstreamRevision} port over HTTP: the upstream's current resourceVersion for one resource, learned as the apiserver learns it
 * from etcd for a consistent read: a quorum {@code LIST ?limit=1} with no resourceVersion (never
 * {@code 0}, which may be stale). Its {@code metadata.resourceVersion} is at least every write
 * that completed before the probe was sent.
 *
 * <p>Coalescing: a request may join a probe in flight only if that probe was sent after the
 * request arrived (it then reflects every write the request must see). Otherwise it joins the
 * <em>next</em> probe, sent as soon as the one in flight completes; so a burst of consistent
 * reads (twenty informers starting at once) costs the upstream two probes, not twenty, and each
 * waits at most two probe round trips. Thread-safe.
 */
final class CurrentResourceVersionProbe implements UpstreamRevision {

  private static final JsonFrames FRAMES = new JsonFrames(new ObjectExtractor(List.of()));

  private final Upstream upstream;
  private final String collectionPath;
  /** Guarded by this: the probe sent last and when; the probe to send when it completes. */
  private CompletableFuture<Long> inFlight;
  private long inFlightSentNanos;
  private CompletableFuture<Long> next;
  /** Probes sent (for tests). */
  private long sent;

  CurrentResourceVersionProbe(Upstream upstream, String collectionPath) {
    this.upstream = upstream;
    this.collectionPath = collectionPath;
  }

  @Override
  public synchronized CompletableFuture<Long> currentResourceVersion(long arrivalNanos) {
    if (inFlight != null && !inFlight.isDone()) {
      if (inFlightSentNanos - arrivalNanos >= 0) {
        return inFlight;
      }
      if (next == null) {
        next = new CompletableFuture<>();
      }
      return next;
    }
    CompletableFuture<Long> f = new CompletableFuture<>();
    launch(f);
    return f;
  }

  synchronized long probesSent() {
    return sent;
  }

  /** Sends {@code f}'s probe now (under the lock) and, when it completes, the queued next one. */
  private void launch(CompletableFuture<Long> f) {
    inFlight = f;
    inFlightSentNanos = System.nanoTime();
    sent++;
    f.whenComplete((v, err) -> sendNext());
    send(f);
  }

  private synchronized void sendNext() {
    if (next != null && (inFlight == null || inFlight.isDone())) {
      CompletableFuture<Long> n = next;
      next = null;
      launch(n);
    }
  }

  private void send(CompletableFuture<Long> f) {
    RequestOptions options = upstream.get(collectionPath + "?limit=1", "application/json", "breakwater-probe");
    WholeAnswer.of(upstream.request(options)).map(a -> {
          if (a.status() != 200) {
            // Classified by the stale-read decision (UpstreamFailure: a 503 is an outage, a 429 is not).
            throw new UpstreamStatusException(a.status(), "", "current resourceVersion probe failed");
          }
          return a.body().getBytes();
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            f.completeExceptionally(ar.cause());
          } else {
            try {
              f.complete(FRAMES.listPage(ar.result()).resourceVersion());
            } catch (FrameDecodeException e) {
              f.completeExceptionally(e);
            }
          }
        });
  }
}
