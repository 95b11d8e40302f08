package dev.breakwater.cache.upstream;

import java.time.Duration;

/**
 * The health check of one upstream HTTP/2 connection, as client-go's transport runs it (golang.org/x/net/http2
 * {@code ReadIdleTimeout} / {@code PingTimeout}, which k8s.io/apimachinery's {@code SetTransportDefaults} sets to
 * 30 s and 15 s, {@code HTTP2_READ_IDLE_TIMEOUT_SECONDS} / {@code HTTP2_PING_TIMEOUT_SECONDS}): after
 * {@code readIdle} without hearing from the peer a PING is sent; no answer within {@code pingTimeout} and the
 * connection is closed, so the requests on it fail and are retried on a new one (a cache's feed resumes from its RV).
 * Without it a connection whose peer vanished without a reset (a partition, a node powered off, a middlebox that
 * dropped its state) would hang every watch and request on it until the kernel gives up, which is hours.
 *
 * <pre>
 *   IDLE ──tick, readIdle since last heard──► PING sent(at) ──{@link #heard}──► IDLE
 *                                                 └──tick, pingTimeout since at──► CLOSE (and stays CLOSE)
 * </pre>
 *
 * <p>Breakwater cannot see individual frames, so "heard" is a PING answer: a connection is pinged every
 * {@code readIdle} whether or not it is busy (one 8-byte frame and its answer; the apiserver's Go server answers
 * PINGs ahead of queued data). The closing rule is client-go's.
 *
 * <p>Bad input: {@code readIdle} zero disables the check ({@link #tick} always waits); a negative duration, or a
 * zero {@code pingTimeout} with the check enabled, is an {@link IllegalArgumentException} (the flags are validated
 * before, so this is a caller's bug). Times are {@link System#nanoTime()}-style longs from an injected source;
 * they are compared by difference, so wrap-around is harmless.
 *
 * <p>Confined to one thread (the connection's event loop); not thread-safe.
 */
public final class ConnectionHealth {

  /** What the connection's owner must do now. */
  public enum Action { WAIT, PING, CLOSE }

  private final long readIdleNanos;
  private final long pingTimeoutNanos;
  private long lastHeard;
  private boolean pingOutstanding;
  private long pingSentAt;
  private boolean closed;

  public ConnectionHealth(Duration readIdle, Duration pingTimeout, long nowNanos) {
    if (readIdle.isNegative() || pingTimeout.isNegative() || (!readIdle.isZero() && pingTimeout.isZero())) {
      throw new IllegalArgumentException("read-idle " + readIdle + " and ping timeout " + pingTimeout
          + ": both must be positive (a zero read-idle disables the check)");
    }
    this.readIdleNanos = readIdle.toNanos();
    this.pingTimeoutNanos = pingTimeout.toNanos();
    this.lastHeard = nowNanos;
  }

  /** Whether the check runs at all. */
  public boolean enabled() {
    return readIdleNanos > 0;
  }

  /** How often the owner should call {@link #tick}: a quarter of the shorter timeout, at least 50 ms. */
  public Duration tickInterval() {
    long shorter = Math.min(readIdleNanos, pingTimeoutNanos);
    return Duration.ofNanos(Math.max(50_000_000L, shorter / 4));
  }

  /** The peer answered (a PING acknowledged): the connection is alive as of {@code nowNanos}. */
  public void heard(long nowNanos) {
    if (closed) {
      return;
    }
    lastHeard = nowNanos;
    pingOutstanding = false;
  }

  /** The decision at {@code nowNanos}; {@link Action#PING} records the PING as sent now. */
  public Action tick(long nowNanos) {
    if (closed) {
      return Action.CLOSE;
    }
    if (!enabled()) {
      return Action.WAIT;
    }
    if (pingOutstanding) {
      if (nowNanos - pingSentAt >= pingTimeoutNanos) {
        closed = true;
        return Action.CLOSE;
      }
      return Action.WAIT;
    }
    if (nowNanos - lastHeard >= readIdleNanos) {
      pingOutstanding = true;
      pingSentAt = nowNanos;
      return Action.PING;
    }
    return Action.WAIT;
  }
}
