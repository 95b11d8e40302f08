package dev.breakwater.e2e.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** WebSocket watches as a test reads them: every message, whole, until the server closes. */
public final class WebSockets {

  private WebSockets() {}

  /** One message: text (its UTF-8 bytes) or binary. */
  public record Message(boolean text, byte[] bytes) {
    public String string() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * Opens a watch at {@code uri} (ws: or wss:) with an Origin (the apiserver refuses a handshake
   * without one) and {@code accept} if not null; completes with its messages when the server
   * closes it, exceptionally on an error.
   */
  public static CompletableFuture<List<Message>> collect(HttpClient http, URI uri, String accept) {
    return collect(http, uri, accept, Map.of());
  }

  /**
   * {@link #collect(HttpClient, URI, String)} with more request {@code headers} (an Authorization,
   * say). A refused handshake throws a {@link java.util.concurrent.CompletionException} whose cause
   * is the {@link java.net.http.WebSocketHandshakeException}.
   */
  public static CompletableFuture<List<Message>> collect(HttpClient http, URI uri, String accept, Map<String, String> headers) {
    List<Message> messages = new CopyOnWriteArrayList<>();
    CompletableFuture<List<Message>> done = new CompletableFuture<>();
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    WebSocket.Builder b = http.newWebSocketBuilder().header("Origin", "http://localhost");
    if (accept != null) {
      b.header("Accept", accept);
    }
    headers.forEach(b::header);
    b.buildAsync(uri, new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.writeBytes(data.toString().getBytes(StandardCharsets.UTF_8));
        return next(ws, true, last);
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partial.writeBytes(chunk);
        return next(ws, false, last);
      }

      private CompletionStage<?> next(WebSocket ws, boolean text, boolean last) {
        if (last) {
          messages.add(new Message(text, partial.toByteArray()));
          partial.reset();
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        done.complete(messages);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        done.completeExceptionally(error);
      }
    }).join();
    return done;
  }

  /** {@link #collect} for a JSON watch: the text messages; a binary one fails it. */
  public static CompletableFuture<List<String>> texts(HttpClient http, URI uri, String accept) {
    return texts(http, uri, accept, Map.of());
  }

  /** {@link #texts(HttpClient, URI, String)} with more request {@code headers}. */
  public static CompletableFuture<List<String>> texts(HttpClient http, URI uri, String accept, Map<String, String> headers) {
    return collect(http, uri, accept, headers).thenApply(ms -> ms.stream().map(m -> {
      if (!m.text()) {
        throw new AssertionError("a binary message in a JSON watch");
      }
      return m.string();
    }).toList());
  }

  /** {@link #collect} for a protobuf watch: the binary messages; a text one fails it. */
  public static CompletableFuture<List<byte[]>> binaries(HttpClient http, URI uri, String accept) {
    return collect(http, uri, accept).thenApply(ms -> ms.stream().map(m -> {
      if (m.text()) {
        throw new AssertionError("a text message in a protobuf watch: " + m.string());
      }
      return m.bytes();
    }).toList());
  }
}
