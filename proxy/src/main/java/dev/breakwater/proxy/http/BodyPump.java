package dev.breakwater.proxy.http;

import dev.breakwater.cache.admission.BytesInFlight;
import dev.breakwater.cache.codec.BodyChunks;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Streams a body chunk by chunk with the response's back-pressure: pulls the next chunk only while
 * the write queue has room, resumes on drain, ends the response after the last chunk (null). Never
 * buffers the whole body.
 *
 * <p>Zero-copy: a chunk's read-only buffers (a cached object's stored bytes among them) are wrapped
 * for the socket as they are ({@link Unpooled#wrappedBuffer(ByteBuffer...)}, a composite of
 * read-only views, in a Vert.x buffer that shares it); the only copy left is the transport's own
 * into its direct buffer (or TLS's encryption). The views are the encoder's own, so nothing the
 * transport does to them (reading advances a view's own position) reaches the stored bytes.
 *
 * <p>Memory: each chunk's bytes are charged to the global account ({@code --max-inflight-bytes},
 * {@link BytesInFlight}) from the hand-over until the connection's write of it completes (written to
 * the socket or failed with it), so a slow reader's undrained bytes — the transport's copy — are
 * counted; with back-pressure that is about one write queue per LIST.
 *
 * <p>Bad input: an encoder that throws (an object it cannot transform; never seen from a real
 * apiserver) resets the response rather than ending it, so that a truncated body is never taken for
 * a complete one; {@code onFailure} is told why (for the log). Runs on the response's context.
 */
final class BodyPump {

  private BodyPump() {}

  static void pump(HttpServerResponse resp, BodyChunks chunks, Consumer<RuntimeException> onFailure) {
    pump(resp, chunks, onFailure, BytesInFlight.unlimited());
  }

  static void pump(HttpServerResponse resp, BodyChunks chunks, Consumer<RuntimeException> onFailure, BytesInFlight account) {
    while (!resp.writeQueueFull()) {
      ByteBuffer[] chunk;
      try {
        chunk = chunks.nextSlices();
      } catch (RuntimeException e) {
        onFailure.accept(e);
        resp.reset();
        return;
      }
      if (chunk == null) {
        resp.end();
        return;
      }
      Buffer b = wrap(chunk);
      long n = b.length();
      account.acquire(n);
      resp.write(b).onComplete(ar -> account.release(n));
    }
    resp.drainHandler(v -> pump(resp, chunks, onFailure, account));
  }

  /** The chunk as one Vert.x buffer over the same bytes (no copy). */
  static Buffer wrap(ByteBuffer[] chunk) {
    return BufferInternal.buffer(chunk.length == 1 ? Unpooled.wrappedBuffer(chunk[0]) : Unpooled.wrappedBuffer(chunk));
  }
}
