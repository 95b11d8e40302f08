package dev.breakwater.proxy.upstream;

import dev.breakwater.cache.upstream.ConnectionHealth;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ConnectionHealth} on each upstream HTTP/2 connection: a timer on the connection's event loop (the
 * connect handler runs there, so the timer and the PING answers share its thread, which owns the health state)
 * pings it and closes it when a PING goes unanswered. HTTP/1.1 connections (a plain-HTTP upstream, or an ALPN
 * fallback) have no PING: their first tick finds that and stops. The timer is cancelled when the connection closes.
 *
 * <p>What a close does: every stream on the connection fails — a cache's feed sees its watch end and resumes from its
 * RV on a new connection, a relayed request's client sees its stream reset — as with client-go, whose transport
 * closes such a connection the same way.
 */
final class ConnectionKeepalive {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionKeepalive.class);
  private static final AtomicLong PINGS = new AtomicLong();

  private ConnectionKeepalive() {}

  /** Closed connections so far, for tests and metrics. */
  static final AtomicLong CLOSED = new AtomicLong();

  /** Installs the check on {@code conn} (call from the connect handler, on the connection's context). */
  static void watch(Vertx vertx, HttpConnection conn, Duration readIdle, Duration pingTimeout, LongSupplier nanos) {
    ConnectionHealth health = new ConnectionHealth(readIdle, pingTimeout, nanos.getAsLong());
    if (!health.enabled()) {
      return;
    }
    long[] timer = {-1};
    timer[0] = vertx.setPeriodic(health.tickInterval().toMillis(), id -> {
      switch (health.tick(nanos.getAsLong())) {
        case WAIT -> { }
        case PING -> {
          try {
            conn.ping(Buffer.buffer(longBytes(PINGS.incrementAndGet()))).onSuccess(ack -> health.heard(nanos.getAsLong()));
          } catch (UnsupportedOperationException http1) {
            vertx.cancelTimer(id);
          }
        }
        case CLOSE -> {
          vertx.cancelTimer(id);
          CLOSED.incrementAndGet();
          LOG.warn("upstream connection {} did not answer a ping within {}: closing it (its requests fail over to a new one)",
              conn.remoteAddress(), pingTimeout);
          conn.close();
        }
      }
    });
    conn.closeHandler(v -> vertx.cancelTimer(timer[0]));
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }
}
