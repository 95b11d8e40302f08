package dev.breakwater.proxy.http;

import io.vertx.core.http.HttpServerResponse;
import javax.net.ssl.SSLException;

/**
 * Maps a failure to reach the upstream to the error Breakwater answers: TLS failures → 502
 * (something answered, but not the server the kubeconfig trusts), everything else (refused,
 * timed out, unresolvable, reset before a response) → 503 ServiceUnavailable.
 */
public final class UpstreamErrors {

  private UpstreamErrors() {}

  public static void answer(HttpServerResponse response, String upstream, Throwable failure) {
    String detail = describe(failure);
    if (isTls(failure)) {
      StatusResponses.badGateway(response, "error trying to reach upstream " + upstream + ": TLS handshake failed: " + detail);
    } else {
      StatusResponses.serviceUnavailable(response, "error trying to reach upstream " + upstream + ": " + detail);
    }
  }

  static boolean isTls(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
  }
}
