package dev.breakwater.proxy.upstream;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;

/**
 * An upstream answer read to its end, for the small requests Breakwater makes itself (LIST pages, probes, reviews,
 * discovery). {@link #of} reads the body in the same event-loop task that delivers the answer's head: a Vert.x
 * response does not wait for handlers, so {@code request.compose(send).compose(resp -> resp.body())} chained from a
 * thread that is not the connection's (a reflector, the consistency checker) registers the body step on a future the
 * event loop may already have completed — the step then runs in a later task, after the body and its end went by
 * with no handler, and the answer never comes. That lost 1 request in ~30–100 under load.
 */
public record WholeAnswer(int status, String statusMessage, Buffer body) {

  /** Sends the request (with {@code body}, or none when null) and reads the whole answer. */
  public static Future<WholeAnswer> of(Future<HttpClientRequest> request, Buffer body) {
    return request.compose(req -> (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new WholeAnswer(resp.statusCode(), resp.statusMessage(), b))));
  }

  /** {@link #of} without a request body. */
  public static Future<WholeAnswer> of(Future<HttpClientRequest> request) {
    return of(request, null);
  }
}
