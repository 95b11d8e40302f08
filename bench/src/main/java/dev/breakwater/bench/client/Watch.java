package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One open JSON watch over HTTP/1.1 chunked encoding. {@link #open} returns once the response head
 * (200) arrived; events are then read on the caller's thread ({@link #readUntil}) or on a virtual
 * thread of its own ({@link #drainInBackground}) until the stream ends or {@link #close} is called.
 */
public final class Watch implements AutoCloseable {

  /** Receives each event with the {@link System#nanoTime()} its line was complete. */
  @FunctionalInterface
  public interface Sink {
    void accept(WatchEvent event, long receivedNanos);
  }

  private final InputStream body;
  private final EventLines lines;
  private volatile boolean closed;
  private volatile Throwable failure;
  private Thread drainer;

  private Watch(InputStream body) {
    this.body = body;
    this.lines = new EventLines(body);
  }

  public static Watch open(Endpoint ep, String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = ep.http().send(ep.request(pathAndQuery).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      String body;
      try (InputStream in = r.body()) {
        body = new String(in.readNBytes(500));
      }
      throw new IOException("watch " + pathAndQuery + " via " + ep.arm() + ": HTTP " + r.statusCode() + " " + body);
    }
    return new Watch(r.body());
  }

  /**
   * Reads events on this thread until {@code stop} accepts one (returned, after the sink saw it)
   * or the stream ends (IOException).
   */
  public WatchEvent readUntil(Predicate<WatchEvent> stop, Sink sink) throws IOException {
    while (true) {
      int len = lines.next();
      if (len < 0) {
        throw new IOException("the watch ended before the awaited event");
      }
      long now = System.nanoTime();
      WatchEvent e = WatchEvent.parse(lines.buffer(), lines.offset(), len);
      if (e.isError()) {
        throw new IOException("watch ERROR event: " + new String(lines.buffer(), lines.offset(), Math.min(len, 500)));
      }
      sink.accept(e, now);
      if (stop.test(e)) {
        return e;
      }
    }
  }

  /** Reads all further events on a virtual thread until the stream ends or is closed. */
  public void drainInBackground(Sink sink) {
    drainer = Thread.ofVirtual().name("watch-drain").start(() -> {
      try {
        while (!closed) {
          int len = lines.next();
          if (len < 0) {
            return;
          }
          long now = System.nanoTime();
          sink.accept(WatchEvent.parse(lines.buffer(), lines.offset(), len), now);
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          failure = e;
        }
      }
    });
  }

  /** Why the background reader stopped early, if it did (null when it did not or was closed). */
  public Throwable failure() {
    return failure;
  }

  public boolean ended() {
    return drainer != null && !drainer.isAlive();
  }

  @Override
  public void close() {
    closed = true;
    try {
      body.close();
    } catch (IOException e) {
      // closing a cancelled stream
    }
    if (drainer != null) {
      try {
        drainer.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
