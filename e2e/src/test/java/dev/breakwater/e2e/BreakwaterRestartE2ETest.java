package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16, item 6: Breakwater itself restarting (a rolling update). A client watches through one Breakwater, which
 * stops (ending the watch cleanly, as on SIGTERM); writes go on while no Breakwater runs; the client reconnects
 * with its last RV to a fresh Breakwater (new server, cold caches, same upstream). It must resume without a relist:
 * no 410, every change after its RV exactly once and in RV order. The fresh Breakwater's cache starts at the
 * upstream's current RV, after the client's, so it hands that watch upstream (whose watch cache still holds the
 * RV); the figures (reconnect to 200, to the first event; how the watch was served) are printed.
 */
@ExtendWith(ClusterExtension.class)
class BreakwaterRestartE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "bw-restart";

  record Event(String type, String name, long rv) {}

  /** Reads a watch's events into {@code into} until the stream ends; returns the last RV seen (0 if none). */
  static CompletableFuture<Long> drain(HttpResponse<InputStream> watch, List<Event> into) {
    return CompletableFuture.supplyAsync(() -> {
      long last = 0;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          JsonNode e = JSON.readTree(line);
          String type = e.path("type").asText();
          long rv = e.path("object").path("metadata").path("resourceVersion").asLong();
          if (type.equals("BOOKMARK")) {
            last = Math.max(last, rv);
            continue;
          }
          into.add(new Event(type, e.path("object").path("metadata").path("name").asText(),
              type.equals("ERROR") ? e.path("object").path("code").asLong() : rv));
          if (!type.equals("ERROR")) {
            last = Math.max(last, rv);
          }
        }
      } catch (java.io.IOException e) {
        // the stream was reset: what was read counts
      }
      return last;
    });
  }

  static long write(KubernetesClient direct, String name, int i) {
    ConfigMap cm = direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(Map.of("i", String.valueOf(i))).build()).serverSideApply();
    return Long.parseLong(cm.getMetadata().getResourceVersion());
  }

  @Test
  void aClientResumingFromItsLastRvOnAFreshBreakwaterDoesNotRelist(LocalCluster cluster, KubernetesClient direct) throws Exception {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    List<Long> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(write(direct, "r-" + i, 0));
    }
    String path = "/api/v1/namespaces/" + NS + "/configmaps";
    try (HttpClient http = RawHttp.plain()) {
      List<Event> first = new CopyOnWriteArrayList<>();
      long startRv;
      long lastRv;
      try (Breakwater a = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true))) {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(a.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        startRv = JSON.readTree(list.body()).path("metadata").path("resourceVersion").asLong();
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(a.url() + path + "?watch=1&resourceVersion="
            + startRv + "&allowWatchBookmarks=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(watch.statusCode()).isEqualTo(200);
        CompletableFuture<Long> drained = drain(watch, first);
        for (int i = 0; i < 10; i++) {
          written.add(write(direct, "r-" + (i % 5), 1 + i));
        }
        long lastWritten = written.get(written.size() - 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> first.stream().anyMatch(e -> e.rv() == lastWritten));
        a.close(); // a rolling update stops the old replica: its watches end cleanly
        lastRv = drained.get(20, TimeUnit.SECONDS);
      }
      assertThat(first).hasSize(10).allMatch(e -> e.type().equals("MODIFIED"));

      // No Breakwater runs: these writes happen while the client is disconnected.
      for (int i = 0; i < 10; i++) {
        written.add(write(direct, "gap-" + i, i));
      }

      List<Event> resumed = new CopyOnWriteArrayList<>();
      long t0 = System.nanoTime();
      try (Breakwater b = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true))) {
        long started = System.nanoTime();
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(b.url() + path + "?watch=1&resourceVersion="
            + lastRv + "&allowWatchBookmarks=true&timeoutSeconds=30")).build(), HttpResponse.BodyHandlers.ofInputStream());
        long head = System.nanoTime();
        assertThat(watch.statusCode()).isEqualTo(200);
        CompletableFuture<Long> drained = drain(watch, resumed);
        // The 10 changes made while no Breakwater ran come first, at once.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
            .until(() -> resumed.size() >= 10 || resumed.stream().anyMatch(e -> e.type().equals("ERROR")));
        long caughtUp = System.nanoTime();
        for (int i = 0; i < 10; i++) {
          written.add(write(direct, "r-" + (i % 5), 100 + i));
        }
        long lastWritten = written.get(written.size() - 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> resumed.stream().anyMatch(e -> e.rv() >= lastWritten || e.type().equals("ERROR")));
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.adminPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher served = java.util.regex.Pattern.compile(
            "breakwater_requests_total\\{resource=\"configmaps\",served=\"([a-z]+)\",verb=\"watch\"\\} ([0-9.]+)").matcher(metrics);
        List<String> how = new ArrayList<>();
        while (served.find()) {
          how.add(served.group(1) + "=" + served.group(2));
        }
        System.out.printf("BreakwaterRestartE2ETest: resumed from RV %d on a fresh Breakwater (started in %d ms): 200 after %d ms,"
                + " the 10 missed changes after %d ms; %d events, watch served %s, 410s %d%n", lastRv, (started - t0) / 1_000_000,
            (head - started) / 1_000_000, (caughtUp - started) / 1_000_000, resumed.size(), how,
            resumed.stream().filter(e -> e.type().equals("ERROR")).count());
        b.close();
        drained.get(20, TimeUnit.SECONDS);
      }

      assertThat(resumed).as("no ERROR (410): the client did not have to relist").noneMatch(e -> e.type().equals("ERROR"));
      List<Long> expected = written.stream().filter(rv -> rv > lastRv).toList();
      assertThat(resumed.stream().map(Event::rv).toList()).as("every change after its RV, once, in order").isEqualTo(expected);
      assertThat(expected).hasSize(20);
      assertThat(lastRv).isGreaterThanOrEqualTo(written.get(14));
    }
  }
}
