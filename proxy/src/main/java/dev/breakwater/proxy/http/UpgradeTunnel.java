package dev.breakwater.proxy.http;

import dev.breakwater.proxy.upstream.RawResponseHead;
import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw byte tunnel for HTTP/1.1 upgrades: exec, attach and port-forward, over SPDY/3.1 (a
 * POST, which Vert.x's HTTP client and {@code toNetSocket()} refuse to tunnel) and over
 * WebSocket (kubectl's default since 1.31). The protocol inside is never parsed.
 *
 * <p>How: the request head is written to a fresh upstream socket (TLS as configured), with
 * Breakwater's credentials and the client's {@code Connection}/{@code Upgrade} fields; the
 * upstream's response head is read raw.
 * <ul>
 *   <li>101 → the client's HTTP connection is turned into a plain socket, the upstream's 101
 *       head is written to it verbatim (so {@code X-Stream-Protocol-Version},
 *       {@code Sec-WebSocket-Accept} and {@code Sec-WebSocket-Protocol} reach the client
 *       unchanged), and bytes are piped both ways with back-pressure until either side closes.
 *   <li>anything else (403, 404, 400 with a Status body) → answered as a normal response,
 *       body streamed by Content-Length, chunked framing, or until the upstream closes.
 * </ul>
 *
 * <p>Bad input: a malformed upstream head → 502; upstream unreachable → 503 (see
 * {@link UpstreamErrors}). Threading: everything runs on the client connection's event loop.
 */
final class UpgradeTunnel {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeTunnel.class);

  private final Upstream upstream;
  private final boolean clientCredentials;

  UpgradeTunnel(Upstream upstream, boolean clientCredentials) {
    this.upstream = upstream;
    this.clientCredentials = clientCredentials;
  }

  /** The client's verified bearer token to forward ({@code --auth=delegated}), else null. */
  private String clientToken(HttpServerRequest req) {
    return clientCredentials ? req.getHeader("Authorization") : null;
  }

  void handle(HttpServerRequest req) {
    req.pause();
    HttpServerResponse resp = req.response();
    // One endpoint for the whole tunnel; no retry elsewhere (the tunnel's client sees the failure, as through a
    // load balancer), but the failure moves the next requests on.
    Upstream.Endpoint ep = upstream.endpoint();
    ConnectOptions connect = new ConnectOptions().setHost(ep.host()).setPort(ep.port()).setSsl(ep.tls());
    if (ep.tls()) {
      connect.setSniServerName(ep.host());
    }
    (clientToken(req) != null ? upstream.bearerNet() : upstream.net()).connect(connect).onComplete(ar -> {
      if (ar.failed()) {
        upstream.connectFailed(ep, ar.cause());
        UpstreamErrors.answer(resp, ep.server().toString(), ar.cause());
        req.resume();
        return;
      }
      NetSocket up = ar.result();
      resp.closeHandler(v -> up.close());
      up.write(requestHead(req, ep));
      awaitHead(req, up);
    });
  }

  /** The request head as sent upstream: hop-by-hop fields dropped except the upgrade pair. */
  Buffer requestHead(HttpServerRequest req, Upstream.Endpoint ep) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Headers.copyRequestHeaders(req.headers(), headers);
    headers.set("Host", ep.authority());
    headers.set("Connection", "Upgrade");
    headers.set("Upgrade", req.headers().get("Upgrade"));
    String authorization = clientToken(req) != null ? clientToken(req) : upstream.credentials().authorization();
    if (authorization != null) {
      headers.set("Authorization", authorization);
    }
    StringBuilder sb = new StringBuilder(512)
        .append(req.method().name()).append(' ').append(ep.basePath()).append(req.uri()).append(" HTTP/1.1\r\n");
    for (Map.Entry<String, String> e : headers) {
      sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
    }
    sb.append("\r\n");
    return Buffer.buffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private void awaitHead(HttpServerRequest req, NetSocket up) {
    HttpServerResponse resp = req.response();
    Buffer received = Buffer.buffer();
    up.exceptionHandler(err -> {
      LOG.debug("upstream tunnel socket failed: {}", err.toString());
      UpstreamErrors.answer(resp, upstream.server().toString(), err);
      up.close();
    });
    up.closeHandler(v -> {
      if (!resp.headWritten()) {
        StatusResponses.serviceUnavailable(resp, "error trying to reach upstream " + upstream.server()
            + ": connection closed before a response");
      }
    });
    up.handler(chunk -> {
      received.appendBuffer(chunk);
      RawResponseHead head;
      try {
        head = RawResponseHead.parse(received);
      } catch (RawResponseHead.MalformedHeadException e) {
        up.handler(null);
        up.close();
        StatusResponses.badGateway(resp, e.getMessage());
        return;
      }
      if (head == null) {
        return;
      }
      up.handler(null);
      if (head.status() == 101) {
        switchProtocols(req, up, head);
      } else {
        new PlainResponseRelay(req, up, head).start();
      }
    });
  }

  private void switchProtocols(HttpServerRequest req, NetSocket up, RawResponseHead head) {
    up.pause();
    if (!(req.connection() instanceof Http1xServerConnection conn)) {
      up.close();
      StatusResponses.badGateway(req.response(), "cannot switch protocols on this connection");
      return;
    }
    req.resume();
    conn.netSocket().onComplete(ar -> {
      if (ar.failed()) {
        up.close();
        LOG.debug("could not take over the client connection: {}", ar.cause().toString());
        return;
      }
      NetSocket client = ar.result();
      client.write(head.raw());
      if (head.rest().length() > 0) {
        client.write(head.rest());
      }
      client.closeHandler(v -> up.close());
      up.closeHandler(v -> client.close());
      client.exceptionHandler(err -> up.close());
      up.exceptionHandler(err -> client.close());
      client.pipe().endOnComplete(false).to(up).onComplete(v -> up.close());
      up.pipe().endOnComplete(false).to(client).onComplete(v -> client.close());
    });
  }
}
