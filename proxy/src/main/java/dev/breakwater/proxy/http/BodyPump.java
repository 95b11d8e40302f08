package dev.breakwater.proxy.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Streams a body chunk by chunk with the response's back-pressure: pulls the next chunk only while
 * the write queue has room, resumes on drain, ends the response after the last chunk (null). Never
 * buffers the whole body.
 *
 * <p>Bad input: an encoder that throws (an object it cannot transform; never seen from a real
 * apiserver) resets the response rather than ending it, so that a truncated body is never taken for
 * a complete one; {@code onFailure} is told why (for the log). Runs on the response's context.
 */
final class BodyPump {

  private BodyPump() {}

  static void pump(HttpServerResponse resp, Supplier<byte[]> chunks, Consumer<RuntimeException> onFailure) {
    while (!resp.writeQueueFull()) {
      byte[] chunk;
      try {
        chunk = chunks.get();
      } catch (RuntimeException e) {
        onFailure.accept(e);
        resp.reset();
        return;
      }
      if (chunk == null) {
        resp.end();
        return;
      }
      resp.write(Buffer.buffer(chunk));
    }
    resp.drainHandler(v -> pump(resp, chunks, onFailure));
  }
}
