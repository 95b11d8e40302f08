package dev.breakwater.proxy.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * The parts of the apiserver's content negotiation the cache serves today: plain JSON. Anything
 * else (protobuf, Table, PartialObjectMetadata, YAML, CBOR, unknown types) goes upstream, whose
 * answer is exact by construction.
 */
public final class Negotiation {

  private Negotiation() {}

  /**
   * True when the apiserver would answer this Accept header with plain JSON: no header, or a
   * first acceptable entry of {@code application/json}, {@code application/*} or {@code * / *}
   * without parameters.
   */
  public static boolean plainJson(String accept) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    String first = accept.split(",")[0].trim().toLowerCase(Locale.ROOT);
    if (first.contains(";")) {
      return false;
    }
    return first.equals("application/json") || first.equals("*/*") || first.equals("application/*");
  }

  /**
   * {@code isPrettyPrint} (k8s.io/apiserver handlers/negotiation): {@code pretty} if present and
   * non-empty decides (a value that is not a Go bool means false); else curl, Wget and browsers
   * (User-Agent prefix) get indented JSON.
   */
  public static boolean pretty(HttpServerRequest req) {
    String q = req.query();
    if (q != null && q.contains("pretty")) {
      String v = dev.breakwater.proxy.route.RequestInfo.firstParam(q, "pretty");
      if (v != null && !v.isEmpty()) {
        return switch (v) {
          case "1", "t", "T", "true", "TRUE", "True" -> true;
          default -> false;
        };
      }
    }
    String ua = req.getHeader("User-Agent");
    return ua != null && (ua.startsWith("curl") || ua.startsWith("Wget") || ua.startsWith("Mozilla/5.0"));
  }
}
