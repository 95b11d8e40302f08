package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Identical concurrent LISTs that must go upstream — here JSON asked for with a
 * {@code stream=watch} parameter, which the apiserver accepts on a LIST and the cache does not
 * model — cost fewer upstream requests than clients, counted by the apiserver itself, and every
 * client gets the whole, identical answer.
 */
@ExtendWith(ClusterExtension.class)
class CoalescingE2ETest {

  static final String NS = "coalescing";
  static final int CLIENTS = 24;
  /** A representation the cache never serves, so these LISTs must go upstream. */
  static final String UPSTREAM_ONLY = "application/json;stream=watch";

  @Test
  void concurrentIdenticalUpstreamListsShareUpstreamRequests(LocalCluster cluster, KubernetesClient direct) throws Exception {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    String value = "x".repeat(8 * 1024);
    // ~2.5 MB: the apiserver takes long enough to answer that concurrent requests overlap.
    var cms = direct.configMaps().inNamespace(NS);
    if (cms.list().getItems().size() < 300) {
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (int i = 0; i < 300; i++) {
          int n = i;
          pool.submit(() -> cms.resource(new ConfigMapBuilder().withNewMetadata().withName("c-" + n).endMetadata()
              .addToData("v", value).build()).createOr(c -> c.update()));
        }
      }
    }
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
         HttpClient http = RawHttp.plain()) {
      String path = "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0";
      long before = InformersE2ETest.upstreamRequests(cluster).getOrDefault("LIST", 0L);
      List<HttpResponse<byte[]>> answers = concurrently(http, bw.url() + path, CLIENTS);
      long upstreamLists = InformersE2ETest.upstreamRequests(cluster).getOrDefault("LIST", 0L) - before;
      var stats = bw.server().readStats().orElseThrow();
      System.out.printf("%d concurrent upstream-only LISTs through Breakwater: %d upstream LISTs, %d coalesced%n",
          CLIENTS, upstreamLists, stats.coalesced.get());

      byte[] first = answers.get(0).body();
      assertThat(first.length).isGreaterThan(2_000_000);
      for (HttpResponse<byte[]> r : answers) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).isEqualTo(answers.get(0).headers().firstValue("Content-Type"));
        assertThat(Arrays.equals(r.body(), first)).as("every client gets the same bytes").isTrue();
      }
      // The apiserver counted exactly one LIST per flight, and every other client joined one.
      assertThat(upstreamLists + stats.coalesced.get()).isEqualTo(CLIENTS);
      assertThat(stats.coalesced.get()).as("clients that joined another's upstream LIST").isPositive();
      // And the answer is the apiserver's own: the same bytes a direct request gets at this state.
      try (HttpClient d = RawHttp.direct(cluster)) {
        byte[] directBody = d.send(HttpRequest.newBuilder(cluster.server().resolve(path)).header("Accept", UPSTREAM_ONLY).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(Arrays.equals(directBody, first)).as("coalesced answer equals the direct one").isTrue();
      }

      // Consistent reads (no resourceVersion) still all succeed; none joins a request sent before it arrived.
      List<HttpResponse<byte[]>> consistent = concurrently(http, bw.url() + "/api/v1/namespaces/" + NS + "/configmaps", 8);
      for (HttpResponse<byte[]> r : consistent) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isGreaterThan(2_000_000);
      }
    }
  }

  /** {@code n} identical upstream-only GETs released together. */
  static List<HttpResponse<byte[]>> concurrently(HttpClient http, String url, int n) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<HttpResponse<byte[]>>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      for (int i = 0; i < n; i++) {
        futures.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", UPSTREAM_ONLY).build(),
                HttpResponse.BodyHandlers.ofByteArray());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      go.countDown();
      List<HttpResponse<byte[]>> out = new ArrayList<>();
      for (var f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    }
  }
}
