package dev.breakwater.bench.measure;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The apiserver's own count of requests for one resource, from its {@code /metrics}.
 *
 * <p>{@code apiserver_request_total} counts a request when it <em>ends</em>, so a watch still open
 * is not in it; {@code apiserver_longrunning_requests} is the gauge of open ones. Watches opened =
 * ended + open. Subresources are left out; the verb is the apiserver's (LIST, WATCH — a WatchList
 * is a WATCH — GET, …).
 *
 * @param lists LIST requests that ended
 * @param gets GET requests that ended
 * @param watchesEnded WATCH requests that ended
 * @param watchesOpen WATCH requests open now
 */
public record UpstreamCounts(long lists, long gets, long watchesEnded, long watchesOpen) {

  public long watchesOpened() {
    return watchesEnded + watchesOpen;
  }

  public UpstreamCounts minus(UpstreamCounts before) {
    return new UpstreamCounts(lists - before.lists, gets - before.gets, watchesEnded - before.watchesEnded,
        watchesOpen - before.watchesOpen);
  }

  public static UpstreamCounts scrape(Endpoint apiserver, String resource) throws IOException, InterruptedException {
    PromText m = PromText.parse(apiserver.http().send(apiserver.request("/metrics").header("Accept", "text/plain")
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
    return new UpstreamCounts(
        (long) m.sum("apiserver_request_total", s -> mine(s, resource, "LIST")),
        (long) m.sum("apiserver_request_total", s -> mine(s, resource, "GET")),
        (long) m.sum("apiserver_request_total", s -> mine(s, resource, "WATCH")),
        (long) m.sum("apiserver_longrunning_requests", s -> mine(s, resource, "WATCH")));
  }

  /**
   * TokenReview + SubjectAccessReview requests the apiserver has answered (all verbs: Breakwater
   * only creates them), from {@code apiserver_request_total{resource="tokenreviews"|"subjectaccessreviews"}}.
   */
  public static long reviews(Endpoint apiserver) throws IOException, InterruptedException {
    PromText m = PromText.parse(apiserver.http().send(apiserver.request("/metrics").header("Accept", "text/plain")
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
    return (long) m.sum("apiserver_request_total", s -> s.label("resource").equals("tokenreviews")
        || s.label("resource").equals("subjectaccessreviews"));
  }

  private static boolean mine(PromText.Sample s, String resource, String verb) {
    return s.label("resource").equals(resource) && s.label("subresource").isEmpty() && s.label("verb").equals(verb)
        && s.label("group").isEmpty();
  }
}
