package dev.breakwater.proxy.upstream;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Incremental decoder for an HTTP/1.1 chunked body (RFC 9112 §7.1), fed arbitrary slices of
 * the stream. Chunk extensions and trailers are read and dropped. Single-threaded: one
 * instance per body, driven from the socket's context.
 */
public final class ChunkedDecoder {

  private enum State { SIZE, DATA, DATA_CRLF, TRAILER, DONE }

  private final Consumer<Buffer> sink;
  private final StringBuilder line = new StringBuilder();
  private State state = State.SIZE;
  private long remaining;

  public ChunkedDecoder(Consumer<Buffer> sink) {
    this.sink = sink;
  }

  public boolean done() {
    return state == State.DONE;
  }

  /**
   * Feeds bytes; decoded data goes to the sink.
   *
   * @throws IllegalStateException on a malformed chunk size or a line longer than 4 KiB
   */
  public void feed(Buffer in) {
    int i = 0;
    int n = in.length();
    while (i < n && state != State.DONE) {
      switch (state) {
        case SIZE, TRAILER, DATA_CRLF -> {
          byte b = in.getByte(i++);
          if (b == '\n') {
            String l = line.toString();
            line.setLength(0);
            if (state == State.DATA_CRLF) {
              if (!l.isEmpty()) {
                throw new IllegalStateException("chunk data longer than its declared size");
              }
              state = State.SIZE;
            } else if (state == State.SIZE) {
              int semi = l.indexOf(';');
              String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
              if (hex.startsWith("+") || hex.startsWith("-")) {
                throw new IllegalStateException("malformed chunk size: " + hex);
              }
              try {
                remaining = Long.parseLong(hex, 16);
              } catch (NumberFormatException e) {
                throw new IllegalStateException("malformed chunk size: " + hex);
              }
              if (remaining < 0) {
                throw new IllegalStateException("malformed chunk size: " + hex);
              }
              state = remaining == 0 ? State.TRAILER : State.DATA;
            } else if (l.isEmpty()) {
              state = State.DONE;
            }
          } else if (b != '\r') {
            if (line.length() > 4096) {
              throw new IllegalStateException("chunk line too long");
            }
            line.append((char) (b & 0xff));
          }
        }
        case DATA -> {
          int take = (int) Math.min(remaining, n - i);
          sink.accept(in.getBuffer(i, i + take));
          i += take;
          remaining -= take;
          if (remaining == 0) {
            state = State.DATA_CRLF;
          }
        }
        case DONE -> { }
      }
    }
  }
}
