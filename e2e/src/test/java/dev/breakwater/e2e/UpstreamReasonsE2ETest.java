package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code breakwater_upstream_reads_total{verb,resource,reason}}: reads the cache's routing sends upstream are
 * counted by why (cache-core {@code UpstreamReason}), and what the cache serves is not.
 */
@ExtendWith(ClusterExtension.class)
class UpstreamReasonsE2ETest {

  static final String NS = "upstream-reasons";

  @Test
  void readsTheRoutingSendsUpstreamAreCountedByReason(LocalCluster cluster, KubernetesClient k) throws Exception {
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("a").endMetadata().build())
        .serverSideApply();
    HttpClient http = RawHttp.plain();
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true))) {
      String base = bw.url() + "/api/v1/namespaces/" + NS + "/configmaps";
      await().atMost(Duration.ofSeconds(30)).until(() -> get(http, base + "?resourceVersion=0") == 200);
      // Served from the cache: counted nowhere here.
      assertThat(get(http, base + "/a?resourceVersion=0")).isEqualTo(200);
      // A consistent GET (small read, no budget by default), a LIST whose RV is not a uint64 (the apiserver's 500 text).
      assertThat(get(http, base + "/a")).isEqualTo(200);
      get(http, base + "?resourceVersion=abc");
      String metrics = body(http, "http://127.0.0.1:" + bw.adminPort() + "/metrics");
      assertThat(count(metrics, "get", "small-read")).isEqualTo(1);
      assertThat(count(metrics, "list", "apiserver-words")).isEqualTo(1);
      assertThat(count(metrics, "get", "other") + count(metrics, "list", "other")).isZero();
    } finally {
      http.shutdownNow();
    }
  }

  static int get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static String body(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The counter's value for configmaps (Micrometer writes the labels in alphabetical order). */
  static double count(String scrape, String verb, String reason) {
    Matcher m = Pattern.compile("^breakwater_upstream_reads_total\\{reason=\"" + Pattern.quote(reason)
        + "\",resource=\"configmaps\",verb=\"" + verb + "\",?\\} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
