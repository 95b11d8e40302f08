package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.codec.JsonWatchEncoder;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cache watcher's output over a chunked HTTP response, one JSON event per line.
 *
 * <p>Threading and back-pressure: the watcher calls in from cache threads; each event is encoded
 * there and handed to the response's context. {@link #writeQueueFull()} is true while the bytes
 * handed over but not yet written exceed {@link #MAX_PENDING_BYTES}, or while the connection's
 * own write queue is full; the drain callback runs once both have room again. The watcher keeps
 * its bounded queue meanwhile and stops a client that stays full past its budget.
 */
final class HttpWatchSink implements WatchSink {

  static final long MAX_PENDING_BYTES = 1 << 20;

  private final HttpServerResponse resp;
  private final Context ctx;
  private final JsonWatchEncoder encoder;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean connectionFull;
  private volatile Runnable onDrain;

  HttpWatchSink(HttpServerResponse resp, Context ctx, JsonWatchEncoder encoder) {
    this.resp = resp;
    this.ctx = ctx;
    this.encoder = encoder;
  }

  @Override
  public void write(Event event) {
    if (ended.get()) {
      return;
    }
    byte[] bytes = encoder.encode(event);
    pending.addAndGet(bytes.length);
    ctx.runOnContext(v -> {
      pending.addAndGet(-bytes.length);
      if (resp.ended() || resp.closed()) {
        return;
      }
      resp.write(Buffer.buffer(bytes));
      if (resp.writeQueueFull()) {
        connectionFull = true;
        resp.drainHandler(x -> {
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
        if (!resp.ended() && !resp.closed()) {
          resp.end();
        }
      });
    }
  }
}
