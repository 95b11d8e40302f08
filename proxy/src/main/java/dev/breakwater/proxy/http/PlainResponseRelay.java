package dev.breakwater.proxy.http;

import dev.breakwater.proxy.upstream.RawResponseHead;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetSocket;

/**
 * Relays a non-101 answer to an upgrade request (for example 403 Forbidden or 400 with a
 * Status body) from the raw upstream socket to the client as an ordinary HTTP response:
 * framing by Content-Length, chunked encoding, or until the upstream closes; back-pressure
 * by pausing the upstream socket while the client's write queue is full.
 * Single-threaded: driven from the client connection's event loop.
 */
final class PlainResponseRelay {

  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final NetSocket up;
  private final RawResponseHead head;
  private long remaining;
  private boolean untilClose;
  private dev.breakwater.proxy.upstream.ChunkedDecoder chunked;

  PlainResponseRelay(HttpServerRequest req, NetSocket up, RawResponseHead head) {
    this.req = req;
    this.resp = req.response();
    this.up = up;
    this.head = head;
  }

  void start() {
    req.resume();
    resp.setStatusCode(head.status());
    if (!head.reason().isEmpty()) {
      resp.setStatusMessage(head.reason());
    }
    Headers.copyResponseHeaders(head.headers(), resp.headers());
    // RFC 9112 §6.3: chunked framing wins over a Content-Length sent with it (which is dropped).
    long length = head.chunked() ? -1 : head.contentLength();
    if (length < 0) {
      resp.headers().remove("Content-Length");
      if (req.version() != HttpVersion.HTTP_2) {
        resp.setChunked(true);
      }
    }
    if (length >= 0) {
      remaining = length;
    } else if (head.chunked()) {
      chunked = new dev.breakwater.proxy.upstream.ChunkedDecoder(this::write);
    } else {
      untilClose = true;
    }
    up.closeHandler(v -> finish());
    up.handler(this::onBytes);
    resp.drainHandler(v -> up.resume());
    onBytes(head.rest());
  }

  private void onBytes(Buffer b) {
    if (resp.ended()) {
      return;
    }
    if (chunked != null) {
      try {
        chunked.feed(b);
      } catch (IllegalStateException e) {
        up.close();
        resp.reset();
        return;
      }
      if (chunked.done()) {
        finish();
      }
      return;
    }
    if (untilClose) {
      write(b);
      return;
    }
    int take = (int) Math.min(remaining, b.length());
    if (take > 0) {
      write(take == b.length() ? b : b.getBuffer(0, take));
      remaining -= take;
    }
    if (remaining == 0) {
      finish();
    }
  }

  private void write(Buffer data) {
    if (data.length() == 0) {
      return;
    }
    resp.write(data);
    if (resp.writeQueueFull()) {
      up.pause();
    }
  }

  private void finish() {
    up.handler(null);
    up.closeHandler(null);
    up.close();
    if (!resp.ended()) {
      boolean complete = chunked != null ? chunked.done() : untilClose || remaining == 0;
      if (complete) {
        resp.end();
      } else {
        resp.reset();
      }
    }
  }
}
