package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/** LIST helpers shared by the scenarios. */
public final class Lists {

  private Lists() {}

  /** A 200 in a representation other than the one asked for: retrying will not change it. */
  static final class WrongRepresentation extends IOException {
    WrongRepresentation(String message) {
      super(message);
    }
  }

  /** A LIST answered 200 with its byte count, and how long it took. */
  public record Counted(long bytes, long nanos) {}

  /** One JSON LIST whose body is counted and dropped. Throws unless 200 {@code application/json}. */
  public static Counted counted(Endpoint ep, String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return counted(ep, pathAndQuery, Representation.JSON, null, timeout);
  }

  /**
   * One LIST asked for in {@code rep} ({@code rep.query()} appended to {@code pathAndQuery}, which
   * already has a query), its body counted and dropped. Throws unless 200 with {@code rep}'s
   * Content-Type and, when {@code listKind} is given ({@code "ConfigMapList"}), a body that
   * starts as {@code rep} says.
   */
  public static Counted counted(Endpoint ep, String pathAndQuery, Representation rep, String listKind, Duration timeout)
      throws IOException, InterruptedException {
    String target = pathAndQuery + rep.query();
    long t0 = System.nanoTime();
    HttpResponse<CountingBody.Counted> r = ep.http().send(
        ep.request(target).setHeader("Accept", rep.accept()).timeout(timeout).build(), CountingBody.handler());
    long nanos = System.nanoTime() - t0;
    if (r.statusCode() != 200) {
      throw new IOException("LIST " + target + " via " + ep.arm() + ": HTTP " + r.statusCode() + " ("
          + r.body().bytes() + " bytes)");
    }
    String contentType = r.headers().firstValue("Content-Type").orElse(null);
    if (!rep.matches(contentType)) {
      throw new WrongRepresentation("LIST " + target + " as " + rep.key() + " via " + ep.arm() + ": Content-Type "
          + contentType + ", expected " + rep.contentType());
    }
    if (listKind != null && !rep.startsBody(r.body().head(), listKind)) {
      throw new WrongRepresentation("LIST " + target + " as " + rep.key() + " via " + ep.arm() + ": body starts "
          + HexFormat.of().formatHex(r.body().head()) + " (\"" + new String(r.body().head(), StandardCharsets.ISO_8859_1)
          + "\"), expected \"" + rep.bodyStart().formatted(listKind) + "\"");
    }
    return new Counted(r.body().bytes(), nanos);
  }

  /**
   * {@link #counted(Endpoint, String, Representation, String, Duration)} until it answers 200, for up to
   * {@code within} (see {@link #untilOk}); a 200 in the wrong representation fails at once.
   */
  public static Counted countedUntilOk(Endpoint ep, String pathAndQuery, Representation rep, String listKind, Duration within)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        return counted(ep, pathAndQuery, rep, listKind, Duration.ofMinutes(5));
      } catch (WrongRepresentation e) {
        throw e;
      } catch (IOException e) {
        last = e;
        Thread.sleep(250);
      }
    }
    throw new IOException("no 200 within " + within + ": " + (last == null ? "" : last.getMessage()), last);
  }

  /** One LIST read as a {@link ListSummary}. Throws unless 200. */
  public static ListSummary summary(Endpoint ep, String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = ep.http().send(ep.request(pathAndQuery).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException("LIST " + pathAndQuery + " via " + ep.arm() + ": HTTP " + r.statusCode() + " "
            + new String(in.readNBytes(500)));
      }
      return ListSummary.read(in);
    }
  }

  /**
   * LISTs until the answer is 200, for up to {@code within}: right after an apiserver restart its
   * watch cache answers 429 while it initializes, and Breakwater's first read starts its cache.
   */
  public static ListSummary untilOk(Endpoint ep, String pathAndQuery, Duration within) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(within);
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        return summary(ep, pathAndQuery, Duration.ofMinutes(5));
      } catch (IOException e) {
        last = e;
        Thread.sleep(250);
      }
    }
    throw new IOException("no 200 within " + within + ": " + (last == null ? "" : last.getMessage()), last);
  }
}
