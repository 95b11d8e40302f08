package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.codec.WatchEventEncoder;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cache watcher's output to a client: over a chunked HTTP response (JSON lines or
 * length-prefixed protobuf frames) or over a WebSocket (one message per event).
 *
 * <p>Threading and back-pressure: the watcher calls in from cache threads; each event is encoded
 * there and handed to the response's context. {@link #writeQueueFull()} is true while the bytes
 * handed over but not yet written exceed {@link #MAX_PENDING_BYTES}, or while the connection's
 * own write queue is full; the drain callback runs once both have room again. The watcher keeps
 * its bounded queue meanwhile and stops a client that stays full past its budget.
 */
final class HttpWatchSink implements WatchSink {

  static final long MAX_PENDING_BYTES = 1 << 20;

  private final io.vertx.core.streams.WriteStream<Buffer> stream;
  private final java.util.function.Consumer<byte[]> writer;
  private final Runnable ender;
  private final java.util.function.BooleanSupplier gone;
  private final Context ctx;
  private final WatchEventEncoder encoder;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean connectionFull;
  private volatile Runnable onDrain;

  private HttpWatchSink(io.vertx.core.streams.WriteStream<Buffer> stream, java.util.function.Consumer<byte[]> writer,
      Runnable ender, java.util.function.BooleanSupplier gone, Context ctx, WatchEventEncoder encoder) {
    this.stream = stream;
    this.writer = writer;
    this.ender = ender;
    this.gone = gone;
    this.ctx = ctx;
    this.encoder = encoder;
  }

  /** Events as lines of a chunked HTTP response. */
  static HttpWatchSink chunked(HttpServerResponse resp, Context ctx, WatchEventEncoder encoder) {
    return new HttpWatchSink(resp, b -> resp.write(Buffer.buffer(b)), resp::end, () -> resp.ended() || resp.closed(), ctx, encoder);
  }

  /**
   * Events as WebSocket messages, one per event, as the apiserver's websocketFramer sends them:
   * a text message per JSON event (its newline included), a binary message per protobuf
   * WatchEvent — the frame without its 4-byte length, which only the HTTP stream carries.
   */
  static HttpWatchSink webSocket(io.vertx.core.http.ServerWebSocket ws, Context ctx, WatchEventEncoder encoder) {
    java.util.function.Consumer<byte[]> writer = encoder.text()
        ? b -> ws.writeTextMessage(new String(b, java.nio.charset.StandardCharsets.UTF_8))
        : b -> ws.writeBinaryMessage(Buffer.buffer(b).slice(4, b.length));
    return new HttpWatchSink(ws, writer, () -> ws.close((short) 1000), ws::isClosed, ctx, encoder);
  }

  @Override
  public void write(Event event) {
    if (ended.get()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = encoder.encode(event);
    } catch (RuntimeException e) {
      // An object this representation cannot carry (never seen from a real apiserver): end the
      // watch cleanly, as the apiserver ends a watch it cannot continue; the client re-watches.
      org.slf4j.LoggerFactory.getLogger(HttpWatchSink.class).warn("cannot encode a watch event: {}; ending the watch", e.toString());
      end();
      return;
    }
    pending.addAndGet(bytes.length);
    ctx.runOnContext(v -> {
      pending.addAndGet(-bytes.length);
      if (gone.getAsBoolean()) {
        return;
      }
      writer.accept(bytes);
      if (stream.writeQueueFull()) {
        connectionFull = true;
        stream.drainHandler(x -> {
          connectionFull = false;
          maybeDrain();
        });
      } else {
        maybeDrain();
      }
    });
  }

  private void maybeDrain() {
    Runnable r = onDrain;
    if (r != null && !writeQueueFull()) {
      onDrain = null;
      r.run();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return connectionFull || pending.get() > MAX_PENDING_BYTES;
  }

  @Override
  public void drainHandler(Runnable onDrain) {
    this.onDrain = onDrain;
    ctx.runOnContext(v -> maybeDrain());
  }

  @Override
  public void end() {
    if (ended.compareAndSet(false, true)) {
      ctx.runOnContext(v -> {
        if (!gone.getAsBoolean()) {
          ender.run();
        }
      });
    }
  }
}
