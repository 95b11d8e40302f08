package dev.breakwater.cache.reflector;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What a failed upstream request says about the upstream (issue 16: what "outage" means for
 * {@code --serve-stale-on-outage}). Only {@link #UNAVAILABLE} counts towards an outage; a slow upstream
 * and one that answers with a refusal are not unavailable.
 *
 * <ul>
 *   <li>{@link #UNAVAILABLE}: no answer could be had — connection refused, reset or closed before the answer,
 *       an unresolvable host, a TCP connect timeout (nothing accepted the connection), TLS failures — or the
 *       upstream (or a load balancer in front of it) answered 500, 502 or 503.
 *   <li>{@link #SLOW}: a request timed out after its connection was made, or the upstream answered 504 (its
 *       own storage timed out): the upstream is there, just slow; waiting more may work.
 *   <li>{@link #ANSWERED}: the upstream answered — another Status (401, 403, 404, 410, 429, …) or a body
 *       that does not decode: alive, whatever it said.
 * </ul>
 */
public enum UpstreamFailure {
  UNAVAILABLE,
  SLOW,
  ANSWERED;

  /** Classifies {@code failure} (wrappers of {@code CompletableFuture}s are looked through). */
  public static UpstreamFailure of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t == null) {
      return UNAVAILABLE;
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof UpstreamStatusException s) {
        return switch (s.code()) {
          case 500, 502, 503 -> UNAVAILABLE;
          case 504 -> SLOW;
          default -> ANSWERED;
        };
      }
      if (c instanceof FrameDecodeException) {
        return ANSWERED;
      }
      // Before "Timeout": Netty's ConnectTimeoutException is a ConnectException — nothing accepted the connection.
      if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException) {
        return UNAVAILABLE;
      }
      if (c instanceof TimeoutException || c instanceof java.net.SocketTimeoutException
          || c.getClass().getSimpleName().endsWith("TimeoutException")) {
        return SLOW;
      }
    }
    return UNAVAILABLE;
  }
}
