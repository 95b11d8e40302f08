package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** LIST helpers shared by the scenarios. */
public final class Lists {

  private Lists() {}

  /** A LIST answered 200 with its byte count, and how long it took. */
  public record Counted(long bytes, long nanos) {}

  /** One LIST whose body is counted and dropped. Throws unless 200. */
  public static Counted counted(Endpoint ep, String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<Long> r = ep.http().send(ep.request(pathAndQuery).timeout(timeout).build(), CountingBody.handler());
    long nanos = System.nanoTime() - t0;
    if (r.statusCode() != 200) {
      throw new IOException("LIST " + pathAndQuery + " via " + ep.arm() + ": HTTP " + r.statusCode() + " (" + r.body() + " bytes)");
    }
    return new Counted(r.body(), nanos);
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
