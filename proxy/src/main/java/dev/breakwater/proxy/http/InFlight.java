package dev.breakwater.proxy.http;

import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-running responses (watches, followed logs) currently streaming, so that a graceful
 * shutdown can end them cleanly (the client sees the end of a watch and reconnects elsewhere)
 * instead of waiting for them to time out. Responses are only ended on their own context.
 */
public final class InFlight {

  private final Set<Entry> streams = ConcurrentHashMap.newKeySet();

  /** A streaming response and the action that ends it cleanly on its own context. */
  public record Entry(HttpServerResponse response, Runnable endCleanly) {}

  public Entry add(HttpServerResponse response, Runnable endCleanly) {
    Entry e = new Entry(response, endCleanly);
    streams.add(e);
    return e;
  }

  public void remove(Entry e) {
    streams.remove(e);
  }

  public int size() {
    return streams.size();
  }

  /** Ends every registered stream (each on its own context). */
  public void endAll() {
    for (Entry e : streams) {
      e.endCleanly().run();
    }
  }
}
