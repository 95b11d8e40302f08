package dev.breakwater.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Byte-level comparison of an apiserver answer and Breakwater's, for the differential tests. */
public final class Differential {

  private Differential() {}

  /** Same status, Content-Type and body bytes; on a difference, both bodies in the failure message. */
  public static void assertSame(String query, String accept, HttpResponse<byte[]> upstream, HttpResponse<byte[]> through) {
    String what = accept + " " + query;
    assertThat(through.statusCode()).as(what).isEqualTo(upstream.statusCode());
    assertThat(through.headers().firstValue("Content-Type")).as(what).isEqualTo(upstream.headers().firstValue("Content-Type"));
    if (!Arrays.equals(through.body(), upstream.body())) {
      throw new AssertionError(what + "\nupstream:\n" + printable(upstream.body()) + "\nbreakwater:\n" + printable(through.body()));
    }
  }

  /**
   * {@link #assertSame} for a consistent (RV unset) JSON LIST sent upstream first, then through Breakwater: its list
   * resourceVersion is the upstream's current RV when each was answered, which a write anywhere in the cluster (the
   * apiserver's own lease renewals included) moves in between. So the bodies must be byte-identical but for that RV,
   * and Breakwater's must not be older than the upstream's.
   */
  public static void assertSameCurrentList(String query, HttpResponse<byte[]> upstream, HttpResponse<byte[]> through) {
    String what = "application/json " + query;
    assertThat(through.statusCode()).as(what).isEqualTo(upstream.statusCode());
    if (Arrays.equals(through.body(), upstream.body()) || upstream.statusCode() != 200) {
      assertSame(query, "application/json", upstream, through);
      return;
    }
    java.util.regex.Pattern rv = java.util.regex.Pattern.compile("^(\\{\"kind\":\"[A-Za-z]+List\",\"apiVersion\":\"[^\"]*\",\"metadata\":\\{\"resourceVersion\":\")(\\d+)\"");
    String up = new String(upstream.body(), StandardCharsets.UTF_8);
    String bw = new String(through.body(), StandardCharsets.UTF_8);
    java.util.regex.Matcher mu = rv.matcher(up);
    java.util.regex.Matcher mb = rv.matcher(bw);
    if (!mu.find() || !mb.find()) {
      assertSame(query, "application/json", upstream, through);
      return;
    }
    assertThat(Long.parseLong(mb.group(2))).as("%s: list RV through Breakwater vs the upstream's, answered before", what)
        .isGreaterThanOrEqualTo(Long.parseLong(mu.group(2)));
    if (!up.substring(mu.end()).equals(bw.substring(mb.end()))) {
      throw new AssertionError(what + "\nupstream:\n" + up + "\nbreakwater:\n" + bw);
    }
  }

  /** Bytes as text with non-printable bytes shown as dots (protobuf in failure messages). */
  public static String printable(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e\\n]", ".");
  }

  /** A GET with {@code accept}, as user agent {@code breakwater-e2e}, with no timeout (watches end by their own). */
  public static HttpResponse<byte[]> send(HttpClient http, URI uri, String accept) {
    return send(http, uri, accept, "breakwater-e2e", null);
  }

  /** A GET with {@code accept} (no Accept header if null) and {@code userAgent}, answered within 30 s. */
  public static HttpResponse<byte[]> send(HttpClient http, URI uri, String accept, String userAgent) {
    return send(http, uri, accept, userAgent, Duration.ofSeconds(30));
  }

  private static HttpResponse<byte[]> send(HttpClient http, URI uri, String accept, String userAgent, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", userAgent);
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(uri + ": " + e, e);
    }
  }

  /** Watch frames: JSON lines, or protobuf frames (4-byte big-endian length + WatchEvent). */
  public static List<byte[]> frames(byte[] body, String accept) {
    List<byte[]> out = new ArrayList<>();
    if (accept.startsWith("application/json")) {
      for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          out.add(line.getBytes(StandardCharsets.UTF_8));
        }
      }
      return out;
    }
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 4) {
      int n = b.getInt();
      byte[] f = new byte[n];
      b.get(f);
      out.add(f);
    }
    assertThat(b.remaining()).isZero();
    return out;
  }

  /**
   * Frames without periodic bookmarks: the one 1–2.6 s before a watch's deadline carries each
   * server's own RV and is skipped when it did not move, so whether it comes is each server's own
   * business. The initial-events-end bookmark stays.
   */
  public static List<byte[]> withoutPeriodicBookmarks(List<byte[]> frames) {
    return frames.stream().filter(f -> {
      String text = printable(f);
      return !text.contains("BOOKMARK") || text.contains("k8s.io/initial-events-end");
    }).toList();
  }
}
