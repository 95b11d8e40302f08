package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 50 independent fabric8 informers (each its own client and connections, HTTP watches) sync and
 * follow churn through Breakwater with {@code --cache}, while the upstream's own metrics show one
 * open WATCH for all of them ({@code apiserver_longrunning_requests}) and no LIST
 * ({@code apiserver_request_total}).
 */
@ExtendWith(ClusterExtension.class)
class InformersE2ETest {

  static final String NS = "informers";
  static final int INFORMERS = 50;
  static final Pattern METRIC = Pattern.compile("^apiserver_request_total\\{([^}]*)\\} (\\d+)$");

  @Test
  void fiftyInformersCostTheUpstreamOneWatchAndNoList(LocalCluster cluster, KubernetesClient direct) throws Exception {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 10; i++) {
      direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("pre-" + i).endMetadata().build()).create();
    }
    // The apiserver's own controllers hold watches on configmaps too (e.g. kube-system's authentication config).
    long watchesBaseline = upstreamGauge(cluster, "apiserver_longrunning_requests", "WATCH");
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true))) {
      Map<String, Long> before = upstreamRequests(cluster);
      long watchesOpen;
      long listsMid;
      List<KubernetesClient> clients = new ArrayList<>();
      List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();
      try {
        for (int i = 0; i < INFORMERS; i++) {
          Config config = new ConfigBuilder(Config.empty()).withMasterUrl(bw.url()).withOnlyHttpWatches(true).build();
          KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
          clients.add(c);
          informers.add(c.configMaps().inNamespace(NS).inform());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> informers.stream().allMatch(SharedIndexInformer::hasSynced));

        var cms = direct.configMaps().inNamespace(NS);
        for (int i = 0; i < 20; i++) {
          cms.resource(new ConfigMapBuilder().withNewMetadata().withName("churn-" + i).endMetadata().build()).create();
          cms.withName("pre-" + (i % 10)).edit(cm -> new ConfigMapBuilder(cm).addToData("round", cm.getMetadata().getResourceVersion()).build());
          if (i % 2 == 0) {
            cms.withName("churn-" + i).delete();
          }
        }
        // While all 50 follow the churn, the upstream holds one long-running WATCH on configmaps (ours).
        watchesOpen = upstreamGauge(cluster, "apiserver_longrunning_requests", "WATCH") - watchesBaseline;
        listsMid = upstreamRequests(cluster).getOrDefault("LIST", 0L);
        Map<String, String> expected = new TreeMap<>();
        cms.list().getItems().forEach(cm -> expected.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          for (SharedIndexInformer<ConfigMap> inf : informers) {
            Map<String, String> seen = new TreeMap<>();
            inf.getStore().list().forEach(cm -> seen.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
            assertThat(seen).isEqualTo(expected);
          }
        });
      } finally {
        informers.forEach(SharedIndexInformer::close);
        clients.forEach(KubernetesClient::close);
      }
      long lists = listsMid - before.getOrDefault("LIST", 0L);
      var stats = bw.server().readStats().orElseThrow();
      System.out.printf("upstream configmaps for %d informers: LIST requests=%d, open WATCHes=%d; Breakwater served lists=%d "
          + "watches=%d, passed upstream=%d%n", INFORMERS, lists, watchesOpen, stats.listsFromCache.get(), stats.watchesFromCache.get(),
          stats.passedUpstream.get());
      assertThat(stats.listsFromCache.get()).as("informer LISTs served from the cache").isGreaterThanOrEqualTo(INFORMERS);
      assertThat(stats.watchesFromCache.get()).as("informer WATCHes served from the cache").isGreaterThanOrEqualTo(INFORMERS);
      // The cache's one WATCH (its WatchList sync turned into the watch), and no more.
      assertThat(watchesOpen).as("open upstream WATCHes on configmaps").isEqualTo(1);
      // fabric8 informers list with resourceVersion=0: served at once, no consistent-read probes.
      assertThat(lists).as("upstream LISTs on configmaps").isZero();
      // Breakwater's own metrics on the admin listener say the same.
      try (HttpClient http = RawHttp.plain()) {
        String metrics = http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        // Served from the cache at once, or after waiting for it (to start, or to confirm freshness).
        assertThat(servedFromCache(metrics, "watch")).isGreaterThanOrEqualTo(INFORMERS);
        assertThat(servedFromCache(metrics, "list")).isGreaterThanOrEqualTo(INFORMERS);
        assertThat(metric(metrics, "breakwater_upstream_requests_total{kind=\"reflector\"}")).isBetween(1.0, 3.0);
      }
    }
  }

  @Test
  void defaultFabric8InformerWithWebSocketWatchIsServedFromTheCache(LocalCluster cluster, KubernetesClient direct) throws Exception {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS + "-ws").endMetadata().build()).serverSideApply();
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
         KubernetesClient c = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(bw.url()).build()).build()) {
      SharedIndexInformer<ConfigMap> inf = c.configMaps().inNamespace(NS + "-ws").inform();
      await().atMost(Duration.ofSeconds(30)).until(inf::hasSynced);
      direct.configMaps().inNamespace(NS + "-ws").resource(new ConfigMapBuilder().withNewMetadata().withName("via-ws").endMetadata().build()).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> inf.getStore().getByKey(NS + "-ws/via-ws") != null);
      inf.close();
      var stats = bw.server().readStats().orElseThrow();
      assertThat(stats.listsFromCache.get()).as("the informer's LIST came from the cache").isGreaterThanOrEqualTo(1);
      assertThat(stats.watchesFromCache.get()).as("its WebSocket watch was served from the cache").isGreaterThanOrEqualTo(1);
    }
  }

  static double servedFromCache(String metrics, String verb) {
    double sum = 0;
    for (String served : new String[] {"cache", "waited"}) {
      String series = "breakwater_requests_total{resource=\"configmaps\",served=\"" + served + "\",verb=\"" + verb + "\"}";
      if (metrics.contains(series + " ")) {
        sum += metric(metrics, series);
      }
    }
    return sum;
  }

  static double metric(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series);
  }

  /** A gauge for configmaps and one verb, from the apiserver's /metrics. */
  static long upstreamGauge(LocalCluster cluster, String name, String verb) throws Exception {
    long sum = 0;
    try (HttpClient http = RawHttp.direct(cluster)) {
      String metrics = http.send(HttpRequest.newBuilder(cluster.server().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Pattern p = Pattern.compile("^" + name + "\\{([^}]*)\\} ([0-9.e+]+)$");
      for (String line : metrics.split("\n")) {
        Matcher m = p.matcher(line);
        if (m.matches() && m.group(1).contains("resource=\"configmaps\"") && m.group(1).contains("verb=\"" + verb + "\"")) {
          sum += (long) Double.parseDouble(m.group(2));
        }
      }
    }
    return sum;
  }

  /** apiserver_request_total for configmaps by verb, from the apiserver's /metrics. */
  static Map<String, Long> upstreamRequests(LocalCluster cluster) throws Exception {
    Map<String, Long> byVerb = new TreeMap<>();
    try (HttpClient http = RawHttp.direct(cluster)) {
      String metrics = http.send(HttpRequest.newBuilder(cluster.server().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (String line : metrics.split("\n")) {
        Matcher m = METRIC.matcher(line);
        if (m.matches() && m.group(1).contains("resource=\"configmaps\"") && !m.group(1).contains("subresource=\"")
            || m.matches() && m.group(1).contains("resource=\"configmaps\"") && m.group(1).contains("subresource=\"\"")) {
          Matcher verb = Pattern.compile("verb=\"([A-Z]+)\"").matcher(m.group(1));
          if (verb.find()) {
            byVerb.merge(verb.group(1), Long.parseLong(m.group(2)), Long::sum);
          }
        }
      }
    }
    return byVerb;
  }
}
