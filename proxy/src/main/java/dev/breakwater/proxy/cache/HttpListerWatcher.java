package dev.breakwater.proxy.cache;

import dev.breakwater.cache.reflector.WatchFrame;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.reflector.UpstreamListPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.reflector.UpstreamListOptions;
import dev.breakwater.cache.reflector.ListerWatcher;
import dev.breakwater.cache.reflector.WatchHandler;
import dev.breakwater.cache.reflector.UpstreamWatchOptions;
import dev.breakwater.cache.reflector.WatchStream;
import dev.breakwater.proxy.upstream.Upstream;
import dev.breakwater.proxy.upstream.WholeAnswer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reflector's {@link ListerWatcher} over HTTP to the upstream apiserver, in JSON, for one
 * collection path such as {@code /api/v1/configmaps} or {@code /apis/apps/v1/deployments}
 * (all namespaces).
 *
 * <p>LIST pages are bounded by the reflector's {@code limit}, so each page is read whole before
 * decoding; watch streams are split on newlines (the apiserver writes one compact JSON event
 * per line) and decoded frame by frame, never buffered beyond one frame (at most
 * {@link #MAX_FRAME_BYTES}). Each object keeps the bytes upstream sent.
 *
 * <p>Threading: callbacks run on the Vert.x context of the upstream connection, one at a time
 * per stream, in stream order.
 */
public final class HttpListerWatcher implements ListerWatcher {

  /** How one representation is asked for and decoded: JSON lines or length-prefixed protobuf frames. */
  public interface WireFormat {
    String accept();

    UpstreamListPage listPage(byte[] body) throws FrameDecodeException;

    WatchFrame watchFrame(byte[] frame, int offset, int length) throws FrameDecodeException;

    /** True for protobuf watch streams (4-byte big-endian length before each frame), false for JSON lines. */
    boolean lengthPrefixed();

    UpstreamStatusException statusBody(int httpCode, byte[] body);

    static WireFormat json(JsonFrames frames) {
      return new WireFormat() {
        public String accept() {
          return "application/json";
        }

        public UpstreamListPage listPage(byte[] body) throws FrameDecodeException {
          return frames.listPage(body);
        }

        public WatchFrame watchFrame(byte[] frame, int offset, int length) throws FrameDecodeException {
          return frames.watchFrame(frame, offset, length);
        }

        public boolean lengthPrefixed() {
          return false;
        }

        public UpstreamStatusException statusBody(int httpCode, byte[] body) {
          return JsonFrames.statusBody(httpCode, body);
        }
      };
    }

    static WireFormat protobuf(dev.breakwater.cache.codec.ProtobufFrames frames) {
      return new WireFormat() {
        public String accept() {
          return "application/vnd.kubernetes.protobuf";
        }

        public UpstreamListPage listPage(byte[] body) throws FrameDecodeException {
          return frames.listPage(body);
        }

        public WatchFrame watchFrame(byte[] frame, int offset, int length) throws FrameDecodeException {
          return frames.watchFrame(frame, offset, length);
        }

        public boolean lengthPrefixed() {
          return true;
        }

        public UpstreamStatusException statusBody(int httpCode, byte[] body) {
          return dev.breakwater.cache.codec.ProtobufFrames.statusBody(httpCode, body);
        }
      };
    }
  }

  /** Larger than any object etcd accepts (1.5 MiB by default, a few MiB when raised). */
  static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /**
   * A LIST page that sends nothing for this long has failed, and the reflector retries it: the apiserver ends every
   * non-long-running request after its --request-timeout (1 min by default), so a page silent for longer is lost (a
   * dead connection no TCP reset reached, or an answer the HTTP client never delivered).
   */
  static final Duration LIST_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final Upstream upstream;
  private final String collectionPath;
  private final WireFormat frames;
  private final Duration listIdleTimeout;

  public HttpListerWatcher(Upstream upstream, String collectionPath, JsonFrames frames) {
    this(upstream, collectionPath, WireFormat.json(frames));
  }

  public HttpListerWatcher(Upstream upstream, String collectionPath, WireFormat frames) {
    this(upstream, collectionPath, frames, LIST_IDLE_TIMEOUT);
  }

  HttpListerWatcher(Upstream upstream, String collectionPath, WireFormat frames, Duration listIdleTimeout) {
    this.upstream = upstream;
    this.collectionPath = collectionPath;
    this.frames = frames;
    this.listIdleTimeout = listIdleTimeout;
  }

  private RequestOptions get(String query) {
    return upstream.get(collectionPath + "?" + query, frames.accept(), "breakwater-reflector");
  }

  @Override
  public CompletableFuture<UpstreamListPage> list(UpstreamListOptions request) {
    StringBuilder q = new StringBuilder("limit=").append(request.limit());
    if (!request.resourceVersion().isEmpty()) {
      q.append("&resourceVersion=").append(request.resourceVersion());
    }
    if (request.continueToken() != null) {
      q.append("&continue=").append(URLEncoder.encode(request.continueToken(), StandardCharsets.UTF_8));
    }
    CompletableFuture<UpstreamListPage> result = new CompletableFuture<>();
    WholeAnswer.of(upstream.request(get(q.toString()).setIdleTimeout(listIdleTimeout.toMillis())))
        .map(a -> new Object[] {a.status(), a.body()})
        .onComplete(ar -> {
          if (ar.failed()) {
            result.completeExceptionally(ar.cause());
            return;
          }
          int code = (int) ar.result()[0];
          byte[] body = ((Buffer) ar.result()[1]).getBytes();
          if (code != 200) {
            result.completeExceptionally(frames.statusBody(code, body));
            return;
          }
          try {
            result.complete(frames.listPage(body));
          } catch (FrameDecodeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  @Override
  public WatchStream watch(UpstreamWatchOptions request, WatchHandler handler) {
    StringBuilder q = new StringBuilder("watch=1&allowWatchBookmarks=true&timeoutSeconds=").append(request.timeoutSeconds());
    if (request.sendInitialEvents()) {
      q.append("&sendInitialEvents=true&resourceVersionMatch=NotOlderThan");
    } else {
      q.append("&resourceVersion=").append(request.resourceVersion());
    }
    AtomicBoolean closed = new AtomicBoolean();
    AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    // The upstream exchange is over (answer read, or failed): resetting it now could hit the connection's next request
    // (Vert.x closes a reused HTTP/1.1 connection on a late reset, eclipse-vertx/vert.x#6294), so cancel leaves it.
    AtomicBoolean ended = new AtomicBoolean();
    RequestOptions options = get(q.toString());
    if (request.progress()) {
      options.putHeader(dev.breakwater.cache.delegator.ReadRouting.PROGRESS_WATCH_HEADER, "1");
    }
    upstream.request(options).onComplete(ar -> {
      if (ar.failed()) {
        close(closed, handler, ar.cause());
        return;
      }
      HttpClientRequest req = ar.result();
      inFlight.set(req);
      if (cancelled.get()) {
        req.reset();
        close(closed, handler, null);
        return;
      }
      req.send().onComplete(rr -> {
        if (rr.failed()) {
          ended.set(true);
          close(closed, handler, cancelled.get() ? null : rr.cause());
          return;
        }
        var resp = rr.result();
        if (resp.statusCode() != 200) {
          resp.body().onComplete(body -> {
            ended.set(true);
            byte[] bytes = body.succeeded() ? body.result().getBytes() : new byte[0];
            if (!closed.get()) {
              handler.onError(frames.statusBody(resp.statusCode(), bytes));
            }
            close(closed, handler, null);
          });
          return;
        }
        RecordParser lines = frames.lengthPrefixed() ? RecordParser.newFixed(4)
            : RecordParser.newDelimited("\n").maxRecordSize(MAX_FRAME_BYTES);
        boolean[] expectLength = {true};
        lines.handler(line -> {
          if (closed.get()) {
            return;
          }
          if (frames.lengthPrefixed()) {
            if (expectLength[0]) {
              long n = line.getUnsignedInt(0);
              if (n > MAX_FRAME_BYTES) {
                req.reset();
                close(closed, handler, new FrameDecodeException("watch frame of " + n + " bytes"));
                return;
              }
              if (n > 0) {
                expectLength[0] = false;
                lines.fixedSizeMode((int) n);
              }
              return;
            }
            expectLength[0] = true;
            lines.fixedSizeMode(4);
          } else if (line.length() == 0) {
            return;
          }
          byte[] bytes = line.getBytes();
          try {
            switch (frames.watchFrame(bytes, 0, bytes.length)) {
              case WatchFrame.Event e -> handler.onEvent(e.type(), e.object());
              case WatchFrame.Bookmark b -> handler.onBookmark(b.resourceVersion(), b.initialEventsEnd());
              case WatchFrame.Error e -> handler.onError(e.status());
            }
          } catch (FrameDecodeException e) {
            req.reset();
            close(closed, handler, e);
          }
        });
        lines.exceptionHandler(err -> {
          req.reset();
          close(closed, handler, err);
        });
        resp.exceptionHandler(err -> {
          ended.set(true);
          close(closed, handler, cancelled.get() ? null : err);
        });
        resp.endHandler(v -> {
          ended.set(true);
          close(closed, handler, null);
        });
        resp.handler(lines);
      });
    });
    return () -> {
      cancelled.set(true);
      HttpClientRequest req = inFlight.get();
      if (req != null && !ended.get()) {
        req.reset();
      }
      close(closed, handler, null);
    };
  }

  private static void close(AtomicBoolean closed, WatchHandler handler, Throwable failure) {
    if (closed.compareAndSet(false, true)) {
      handler.onClosed(failure);
    }
  }
}
