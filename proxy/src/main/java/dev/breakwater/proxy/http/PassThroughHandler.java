package dev.breakwater.proxy.http;

import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one request to the upstream apiserver and streams the answer back, unchanged:
 * status, end-to-end headers and body bytes. Both bodies are piped with back-pressure
 * ({@code pipeTo}: the source is paused while the destination's write queue is full), so
 * nothing is buffered whole — LISTs of any size, long watches, {@code logs -f}, server-side
 * apply bodies.
 *
 * <p>Upgrade requests (exec, attach, port-forward over SPDY or WebSocket) are handed to the
 * {@link UpgradeTunnel}.
 *
 * <p>Failures: upstream unreachable before a response → 503 Status (502 for TLS failures), via
 * {@link UpstreamErrors}; upstream lost mid-response → a watch or followed log ends cleanly (the
 * client sees the end of the stream and retries, as after an apiserver restart), any other
 * response is reset so a truncated body is never mistaken for a complete one. Client gone →
 * the upstream request is reset.
 *
 * <p>Threading: runs on the event loop of the client's connection; upstream callbacks arrive on
 * the same context (Vert.x runs client callbacks on the caller's context). Never blocks.
 */
public class PassThroughHandler implements Handler<HttpServerRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(PassThroughHandler.class);
  private static final Pattern WATCH_PARAM = Pattern.compile("(^|&)(watch=(true|1)|follow=(true|1))(&|$)");

  private final Vertx vertx;
  private final Upstream upstream;
  private final UpgradeTunnel tunnel;
  private final InFlight inFlight;
  /**
   * {@code --auth=delegated}: an {@code Authorization} header still on the request is the client's
   * bearer token the AuthGate verified, and is forwarded as is (on a connection without
   * Breakwater's client certificate); otherwise Breakwater's credentials are used and the gate has
   * set the {@code Impersonate-*} headers. With {@code --auth=none} the client's header is dropped.
   */
  private final boolean clientCredentials;

  public PassThroughHandler(Vertx vertx, Upstream upstream, InFlight inFlight) {
    this(vertx, upstream, inFlight, false);
  }

  public PassThroughHandler(Vertx vertx, Upstream upstream, InFlight inFlight, boolean clientCredentials) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.inFlight = inFlight;
    this.clientCredentials = clientCredentials;
    this.tunnel = new UpgradeTunnel(upstream, clientCredentials);
  }

  /** A handler sharing {@code other}'s upstream, tunnel and in-flight registry (to decorate it). */
  protected PassThroughHandler(PassThroughHandler other) {
    this.vertx = other.vertx;
    this.upstream = other.upstream;
    this.inFlight = other.inFlight;
    this.tunnel = other.tunnel;
    this.clientCredentials = other.clientCredentials;
  }

  /** True with {@code --auth=delegated}: a client's verified {@code Authorization} is forwarded as is. */
  public boolean forwardsClientCredentials() {
    return clientCredentials;
  }

  /** The registry of long-running responses, shared with the cache's watch handler. */
  public InFlight inFlight() {
    return inFlight;
  }

  /** The upstream apiserver this handler forwards to. */
  public Upstream upstream() {
    return upstream;
  }

  @Override
  public void handle(HttpServerRequest req) {
    forwardUnchanged(req);
  }

  /** Forwards {@code req} upstream and streams the answer back (what {@link #handle} does undecorated). */
  public final void forwardUnchanged(HttpServerRequest req) {
    upstream.count("passthrough");
    if (req.version() != HttpVersion.HTTP_2 && Headers.isUpgrade(req.headers())) {
      tunnel.handle(req);
      return;
    }
    req.pause();
    RequestOptions options = new RequestOptions()
        .setMethod(req.method())
        .setURI(req.uri()) // below the endpoint's base path: Upstream.request fills in the endpoint
        .setFollowRedirects(false);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Headers.copyRequestHeaders(req.headers(), headers);
    String clientToken = clientCredentials ? req.getHeader("Authorization") : null;
    String authorization = clientToken != null ? clientToken : upstream.credentials().authorization();
    if (authorization != null) {
      headers.set("Authorization", authorization);
    }
    options.setHeaders(headers);
    boolean streaming = isStreaming(req);
    HttpServerResponse resp = req.response();

    upstream.request(clientToken != null ? upstream.bearerHttp() : upstream.http(), options).onComplete(ar -> {
      if (ar.failed()) {
        UpstreamErrors.answer(resp, upstream.server().toString(), ar.cause());
        req.resume();
        return;
      }
      HttpClientRequest creq = ar.result();
      // A client that goes away abandons the upstream exchange, unless that is over: a late reset could close the
      // pooled connection under its next request (eclipse-vertx/vert.x#6294).
      AtomicBoolean over = new AtomicBoolean();
      resp.closeHandler(v -> {
        if (!over.get()) {
          creq.reset();
        }
      });
      boolean hasBody = req.headers().contains("Content-Length") || req.headers().contains("Transfer-Encoding")
          || req.version() == HttpVersion.HTTP_2 && !req.isEnded();
      if (hasBody && !req.headers().contains("Content-Length")) {
        creq.setChunked(true);
      }
      creq.response().onComplete(rr -> {
        if (rr.failed()) {
          over.set(true);
          UpstreamErrors.answer(resp, upstream.server().toString(), rr.cause());
          return;
        }
        respond(req, resp, rr.result(), streaming, clientToken == null, over);
      });
      if (hasBody) {
        req.pipeTo(creq).onFailure(err -> creq.reset(0, err));
      } else {
        creq.end();
        req.resume();
      }
    });
  }

  /** {@code over} is set once the upstream answer has been read to its end. */
  private void respond(HttpServerRequest req, HttpServerResponse resp, HttpClientResponse cresp, boolean streaming,
      boolean ownCredentials, AtomicBoolean over) {
    if (resp.closed()) {
      cresp.request().reset();
      return;
    }
    if (cresp.statusCode() == 401 && ownCredentials) {
      vertx.executeBlocking(() -> {
        upstream.credentials().refreshIfDue(true);
        return null;
      }, false);
    }
    resp.setStatusCode(cresp.statusCode());
    if (req.version() != HttpVersion.HTTP_2 && cresp.statusMessage() != null) {
      resp.setStatusMessage(cresp.statusMessage());
    }
    Headers.copyResponseHeaders(cresp.headers(), resp.headers());
    if (req.version() != HttpVersion.HTTP_2 && !resp.headers().contains("Content-Length")) {
      resp.setChunked(true);
    }
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    InFlight.Entry entry = streaming ? inFlight.add(resp, () -> ctx.runOnContext(v -> {
      cresp.request().reset();
      if (!resp.ended() && !resp.closed()) {
        resp.end();
      }
    })) : null;
    if (streaming) {
      // Flush the head now: a watch on a quiet resource must see its 200 before the first event.
      resp.writeHead();
    }
    cresp.pipe().endOnFailure(false).to(resp).onComplete(done -> {
      if (done.succeeded()) {
        over.set(true);
      }
      if (entry != null) {
        inFlight.remove(entry);
      }
      if (done.failed() && !resp.ended()) {
        if (streaming && !resp.closed()) {
          LOG.debug("upstream stream ended early ({}); ending {} cleanly", done.cause().toString(), req.uri());
          resp.end();
        } else {
          LOG.debug("upstream response failed mid-body ({}); resetting {}", done.cause().toString(), req.uri());
          resp.reset();
        }
      }
    });
  }

  /** Watches and followed logs: responses that stream until someone ends them. */
  static boolean isStreaming(HttpServerRequest req) {
    String q = req.query();
    if (q != null && WATCH_PARAM.matcher(q).find()) {
      return true;
    }
    String path = req.path();
    return path.startsWith("/api/v1/watch/") || path.matches("^/apis/[^/]+/[^/]+/watch/.*");
  }
}
