package dev.breakwater.proxy.auth;

import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.upstream.Upstream;
import dev.breakwater.proxy.upstream.WholeAnswer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Posts one review (TokenReview or SubjectAccessReview JSON) to the upstream with Breakwater's own
 * credentials and completes with the answer's body. Bounded: after {@code timeout} the future fails
 * and the request is reset. Any answer but 200/201 fails the future with the status line (the
 * caller fails closed). The answer is small and read whole.
 *
 * <p>Threading: may be called from any event loop; the future completes on the context of the
 * caller that started it. Never blocks.
 */
public final class Reviewer {

  /** A review that failed (timeout, transport, non-2xx): fail closed. */
  public static final class ReviewFailedException extends RuntimeException {
    public ReviewFailedException(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Upstream upstream;
  private final Duration timeout;
  private final ProxyMetrics metrics;

  public Reviewer(Vertx vertx, Upstream upstream, Duration timeout, ProxyMetrics metrics) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  public CompletableFuture<byte[]> tokenReview(byte[] body) {
    return post("/apis/authentication.k8s.io/v1/tokenreviews", body, "token");
  }

  public CompletableFuture<byte[]> subjectAccessReview(byte[] body) {
    return post("/apis/authorization.k8s.io/v1/subjectaccessreviews", body, "sar");
  }

  private CompletableFuture<byte[]> post(String path, byte[] body, String kind) {
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    long start = System.nanoTime();
    upstream.count("review");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json").add("Accept", "application/json").add("User-Agent", "breakwater-auth");
    String auth = upstream.credentials().authorization();
    if (auth != null) {
      headers.add("Authorization", auth);
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setHeaders(headers);
    AtomicBoolean done = new AtomicBoolean();
    AtomicBoolean answered = new AtomicBoolean();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
      if (done.compareAndSet(false, true)) {
        record(kind, "timeout", start);
        out.completeExceptionally(new ReviewFailedException(kind + " review timed out after " + timeout.toMillis() + "ms"));
      }
    });
    upstream.request(options)
        .compose(req -> {
          // Only a timed-out review is abandoned: a late reset of an answered one could close the pooled connection
          // under its next request (eclipse-vertx/vert.x#6294).
          out.whenComplete((v, e) -> {
            if (e != null && !answered.get()) {
              req.reset();
            }
          });
          return WholeAnswer.of(Future.succeededFuture(req), Buffer.buffer(body));
        })
        .map(a -> {
          answered.set(true);
          if (a.status() != 200 && a.status() != 201) {
            throw new ReviewFailedException(kind + " review answered " + a.status() + " " + a.statusMessage());
          }
          return a.body().getBytes();
        })
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (!done.compareAndSet(false, true)) {
            return;
          }
          if (ar.succeeded()) {
            record(kind, "ok", start);
            out.complete(ar.result());
          } else {
            record(kind, "error", start);
            String m = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
            out.completeExceptionally(ar.cause() instanceof ReviewFailedException ? ar.cause() : new ReviewFailedException(kind + " review failed: " + m));
          }
        });
    return out;
  }

  private void record(String kind, String outcome, long start) {
    if (metrics != null) {
      metrics.authReview(kind, outcome, Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
