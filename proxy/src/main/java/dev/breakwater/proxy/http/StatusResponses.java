package dev.breakwater.proxy.http;

import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.negotiation.ErrorBodies;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.status.ApiStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;

/**
 * metav1.Status bodies for errors Breakwater produces itself (the upstream could not be reached,
 * or failed the TLS handshake), in the apiserver's JSON field order, so that clients decode
 * them as they decode the apiserver's own errors.
 */
public final class StatusResponses {

  private StatusResponses() {}

  /**
   * The JSON of a failure Status. {@code reason} may be empty (Go's StatusReasonUnknown, which
   * the apiserver omits).
   */
  public static String failure(int code, String reason, String message) {
    StringBuilder sb = new StringBuilder(160)
        .append("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":");
    appendJsonString(sb, message);
    if (reason != null && !reason.isEmpty()) {
      sb.append(",\"reason\":");
      appendJsonString(sb, reason);
    }
    return sb.append(",\"code\":").append(code).append("}\n").toString();
  }

  /** Upstream refused, timed out, or could not be resolved: 503 ServiceUnavailable. */
  public static void serviceUnavailable(HttpServerResponse response, String message) {
    send(response, 503, "ServiceUnavailable", message);
  }

  /** Upstream answered but not as an HTTP server we trust (TLS failure, protocol error): 502. */
  public static void badGateway(HttpServerResponse response, String message) {
    send(response, 502, "", message);
  }

  public static void send(HttpServerResponse response, int code, String reason, String message) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(code)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-cache, private")
        .end(Buffer.buffer(failure(code, reason, message)));
  }

  /**
   * Answers {@code req} with {@code s} as the apiserver's {@code ErrorNegotiated} writes it for the
   * request's Accept ({@link ErrorBodies}); Retry-After from the details. The caller checks
   * {@link #negotiable} first: an Accept that is not modelled gets no answer here.
   */
  public static void sendNegotiated(HttpServerRequest req, ApiStatus s) {
    HttpServerResponse resp = req.response();
    ErrorBodies.Encoded e = ErrorBodies.encode(s, req.getHeader("Accept"), pretty(req))
        .orElseThrow(() -> new IllegalStateException("a Status for an Accept not modelled is the apiserver's to write"));
    if (resp.headWritten() || resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(e.code())
        .putHeader("Content-Type", e.contentType())
        .putHeader("Cache-Control", "no-cache, private")
        .putHeader("Audit-Id", UUID.randomUUID().toString());
    if (e.retryAfterSeconds() > 0) {
      resp.putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
    }
    resp.end(Buffer.buffer(e.body()));
  }

  /**
   * The apiserver's overload answer ({@code tooManyRequests} in priority-and-fairness.go, Go's
   * {@code http.Error}): 429, {@code Retry-After: 1}, a text/plain body, whatever the Accept — see
   * {@link dev.breakwater.cache.admission.Admission}.
   */
  public static void tooManyRequests(HttpServerResponse resp) {
    if (resp.headWritten() || resp.ended() || resp.closed()) {
      return;
    }
    resp.setStatusCode(429)
        .putHeader("Audit-Id", UUID.randomUUID().toString())
        .putHeader("Cache-Control", "no-cache, private")
        .putHeader("Retry-After", String.valueOf(dev.breakwater.cache.admission.Admission.RETRY_AFTER_SECONDS))
        .putHeader("Content-Type", dev.breakwater.cache.admission.Admission.TOO_MANY_REQUESTS_CONTENT_TYPE)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(Buffer.buffer(dev.breakwater.cache.admission.Admission.TOO_MANY_REQUESTS_BODY));
  }

  /** Whether {@link #sendNegotiated} can answer {@code req}: false for an Accept that is not modelled. */
  public static boolean negotiable(HttpServerRequest req) {
    return ErrorBodies.negotiable(req.getHeader("Accept"));
  }

  /** {@link Negotiation#pretty} of a Vert.x request. */
  static boolean pretty(HttpServerRequest req) {
    return Negotiation.pretty(req.query(), req.getHeader("User-Agent"));
  }

  /** JSON string escaping as Go's encoding/json does it (HTML-safe; \\b and \\f short; lone surrogates → U+FFFD). */
  static void appendJsonString(StringBuilder sb, String s) {
    GoJson.appendString(sb, s);
  }
}
