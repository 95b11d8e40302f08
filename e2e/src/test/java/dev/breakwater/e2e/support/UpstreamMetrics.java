package dev.breakwater.e2e.support;

import dev.breakwater.local.LocalCluster;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of the apiserver's own {@code /metrics}, read for one resource: what it served
 * ({@code apiserver_request_total}, counted when a request ends — a WATCH only once it closes)
 * and what it is serving ({@code apiserver_longrunning_requests}, open WATCHes). Subresources
 * are left out.
 */
public final class UpstreamMetrics {

  private static final Pattern SERIES = Pattern.compile("^([a-z_]+)\\{([^}]*)\\} ([0-9.e+]+)$");
  private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

  private final String text;

  private UpstreamMetrics(String text) {
    this.text = text;
  }

  public static UpstreamMetrics scrape(LocalCluster cluster) {
    return scrape(cluster, cluster.server());
  }

  /** The metrics of {@code server}, one of the cluster's apiservers (e.g. {@link LocalCluster#secondServer}). */
  public static UpstreamMetrics scrape(LocalCluster cluster, java.net.URI server) {
    try (HttpClient http = RawHttp.direct(cluster)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("apiserver /metrics: " + r.statusCode());
      }
      return new UpstreamMetrics(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("apiserver /metrics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code apiserver_request_total} for the resource, summed by verb (LIST, WATCH, GET, …) over codes and scopes. */
  public Map<String, Long> requestsByVerb(String resource) {
    Map<String, Long> byVerb = new TreeMap<>();
    forEach("apiserver_request_total", resource, (labels, value) -> byVerb.merge(labels.get("verb"), value, Long::sum));
    return byVerb;
  }

  /** {@code apiserver_longrunning_requests} for the resource and verb (e.g. WATCH), over scopes. */
  public long longRunning(String resource, String verb) {
    long[] sum = {0};
    forEach("apiserver_longrunning_requests", resource, (labels, value) -> {
      if (verb.equals(labels.get("verb"))) {
        sum[0] += value;
      }
    });
    return sum[0];
  }

  private void forEach(String name, String resource, java.util.function.BiConsumer<Map<String, String>, Long> action) {
    for (String line : text.split("\n")) {
      Matcher m = SERIES.matcher(line);
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      if (resource.equals(labels.get("resource")) && labels.getOrDefault("subresource", "").isEmpty()) {
        action.accept(labels, (long) Double.parseDouble(m.group(3)));
      }
    }
  }

  /** {@code after − before} per key, zeros left out. */
  public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((k, v) -> {
      long n = v - before.getOrDefault(k, 0L);
      if (n != 0) {
        d.put(k, n);
      }
    });
    return d;
  }
}
