package dev.breakwater.proxy.http;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header rules for a forwarding proxy (RFC 9110 §7.6.1): hop-by-hop fields are consumed here
 * and never forwarded, together with every field the {@code Connection} header names.
 * End-to-end fields — {@code Audit-Id}, {@code Retry-After}, {@code Warning},
 * {@code X-Kubernetes-Pf-*}, {@code Content-Encoding}, {@code Content-Type} — pass unchanged.
 *
 * <p>Pure functions; safe from any thread.
 */
public final class Headers {

  /** Fields that describe one connection, not the message (lower case). */
  static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
      "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");

  private Headers() {}

  /** The lower-case names this message's {@code Connection} header lists, plus the fixed set. */
  static Set<String> dropped(MultiMap headers) {
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    for (String connection : headers.getAll("Connection")) {
      for (String token : connection.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          drop.add(t);
        }
      }
    }
    return drop;
  }

  /**
   * Copies the end-to-end request fields of a client request into the upstream request.
   * {@code Host} is dropped (the upstream client sets its own authority) and so is the client's
   * {@code Authorization}: the upstream sees Breakwater's own credentials, as with
   * {@code kubectl proxy}. Content-Length is kept so fixed-length bodies stay fixed-length.
   */
  public static void copyRequestHeaders(MultiMap from, MultiMap to) {
    Set<String> drop = dropped(from);
    drop.add("host");
    drop.add("authorization");
    drop.add("expect");
    copy(from, to, drop);
  }

  /** Copies the end-to-end response fields of an upstream response to the client response. */
  public static void copyResponseHeaders(MultiMap from, MultiMap to) {
    copy(from, to, dropped(from));
  }

  private static void copy(MultiMap from, MultiMap to, Set<String> drop) {
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey();
      if (name.startsWith(":") || drop.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      to.add(name, e.getValue());
    }
  }

  /** True when the request asks to switch protocols (WebSocket, SPDY/3.1) on HTTP/1.1. */
  public static boolean isUpgrade(MultiMap headers) {
    if (!headers.contains("Upgrade")) {
      return false;
    }
    for (String connection : headers.getAll("Connection")) {
      for (String token : connection.split(",")) {
        if (token.trim().equalsIgnoreCase("upgrade")) {
          return true;
        }
      }
    }
    return false;
  }
}
