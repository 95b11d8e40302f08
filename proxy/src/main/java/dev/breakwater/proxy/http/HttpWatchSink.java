package dev.breakwater.proxy.http;

import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.admission.WatcherBudget;
import dev.breakwater.cache.codec.WatchEventEncoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A cache watcher's output to a client: over a chunked HTTP response (JSON lines or
 * length-prefixed protobuf frames) or over a WebSocket (one message per event).
 *
 * <p>Threading and back-pressure: the watcher calls in from cache threads; each event is encoded
 * there and handed to the response's context. Its bytes count as {@linkplain #bufferedBytes()
 * buffered} — and are charged to the global account of the {@link WatcherBudget} — from the
 * encoding until the connection's write of them completes (written to the socket, or failed with
 * the connection), so they cover what waits for the context and what waits in the transport.
 * {@link #writeQueueFull()} is true while the connection's own write queue is full or while the
 * buffered bytes are over {@link WatcherBudget#sinkFull} (half the per-watcher budget; 64 KiB while
 * the global budget is used up); the drain callback runs once both have room again. The watcher
 * keeps its bounded queue meanwhile and closes a client that stays blocked past its budget
 * ({@link #terminatedAsUnresponsive()} counts it).
 *
 * <p>A watcher closed that way ends its stream as any other (the end of the chunked body, or a
 * normal WebSocket close), after the bytes already handed over. A client that does not read up to
 * that end within {@link #TERMINATED_CLOSE_GRACE_MS} has its HTTP stream reset (the connection closed,
 * on HTTP/2 the stream; a WebSocket's connection), so its unwritten bytes are released instead of being held — and keeping the
 * global budget used up — for as long as it stays connected. Either way the client sees its watch
 * end (client-go re-watches after an EOF as after an unexpected EOF).
 */
final class HttpWatchSink implements WatchSink {

  /** How long a watcher closed as unresponsive waits for its client to read up to the end. */
  static final long TERMINATED_CLOSE_GRACE_MS = 5_000;

  private final io.vertx.core.streams.WriteStream<Buffer> stream;
  private final Function<byte[], Future<Void>> writer;
  private final java.util.function.Supplier<Future<Void>> ender;
  /** Resets the stream, dropping what the transport still holds (a WebSocket: closes its connection). */
  private final Runnable resetter;
  private final BooleanSupplier gone;
  private final Context ctx;
  private final WatchEventEncoder encoder;
  private final WatcherBudget budget;
  private final Runnable onTerminated;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean connectionFull;
  private volatile Runnable onDrain;
  private volatile boolean terminated;

  private HttpWatchSink(io.vertx.core.streams.WriteStream<Buffer> stream, Function<byte[], Future<Void>> writer,
      java.util.function.Supplier<Future<Void>> ender, Runnable resetter, BooleanSupplier gone, Context ctx,
      WatchEventEncoder encoder, WatcherBudget budget, Runnable onTerminated) {
    this.stream = stream;
    this.writer = writer;
    this.ender = ender;
    this.resetter = resetter;
    this.gone = gone;
    this.ctx = ctx;
    this.encoder = encoder;
    this.budget = budget;
    this.onTerminated = onTerminated;
  }

  /** Events as lines of a chunked HTTP response. */
  static HttpWatchSink chunked(HttpServerResponse resp, Context ctx, WatchEventEncoder encoder, WatcherBudget budget,
      Runnable onTerminated) {
    return new HttpWatchSink(resp, b -> resp.write(Buffer.buffer(b)), resp::end, () -> resp.reset(),
        () -> resp.ended() || resp.closed(), ctx, encoder, budget, onTerminated);
  }

  /**
   * Events as WebSocket messages, one per event, as the apiserver's websocketFramer sends them:
   * a text message per JSON event (its newline included), a binary message per protobuf
   * WatchEvent — the frame without its 4-byte length, which only the HTTP stream carries.
   */
  static HttpWatchSink webSocket(io.vertx.core.http.ServerWebSocket ws, Runnable closeConnection, Context ctx,
      WatchEventEncoder encoder, WatcherBudget budget, Runnable onTerminated) {
    Function<byte[], Future<Void>> writer = encoder.text()
        ? b -> ws.writeTextMessage(new String(b, java.nio.charset.StandardCharsets.UTF_8))
        : b -> ws.writeBinaryMessage(Buffer.buffer(b).slice(4, b.length));
    return new HttpWatchSink(ws, writer, () -> ws.close((short) 1000), closeConnection, ws::isClosed, ctx, encoder, budget,
        onTerminated);
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
    long n = bytes.length;
    pending.addAndGet(n);
    budget.global().acquire(n);
    ctx.runOnContext(v -> {
      if (gone.getAsBoolean()) {
        written(n);
        return;
      }
      Future<Void> done;
      try {
        done = writer.apply(bytes);
      } catch (RuntimeException e) { // closed meanwhile
        written(n);
        return;
      }
      done.onComplete(ar -> {
        written(n);
        maybeDrain();
      });
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

  /** The connection took {@code n} bytes (or dropped them with itself). */
  private void written(long n) {
    pending.addAndGet(-n);
    budget.global().release(n);
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
    return connectionFull || budget.sinkFull(pending.get());
  }

  @Override
  public void drainHandler(Runnable onDrain) {
    this.onDrain = onDrain;
    ctx.runOnContext(v -> maybeDrain());
  }

  @Override
  public WatcherBudget budget() {
    return budget;
  }

  @Override
  public long bufferedBytes() {
    return pending.get();
  }

  @Override
  public void terminatedAsUnresponsive() {
    terminated = true;
    onTerminated.run();
  }

  @Override
  public void end() {
    if (ended.compareAndSet(false, true)) {
      ctx.runOnContext(v -> {
        if (gone.getAsBoolean()) {
          return;
        }
        ender.get();
        if (terminated) {
          ctx.owner().setTimer(TERMINATED_CLOSE_GRACE_MS, t -> {
            if (pending.get() > 0) {
              resetter.run(); // the client has not read what it was sent: release it
            }
          });
        }
      });
    }
  }
}
