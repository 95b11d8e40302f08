package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.config.CachePolicy;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.FaultyTcpProxy;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** --cache-resources / --cache-exclude / --cache-warm / --cache-idle-timeout against the real apiserver. */
@ExtendWith(ClusterExtension.class)
class CachePolicyE2ETest {

  @Test
  void warmIncludeExcludeAndIdleStop(LocalCluster cluster) throws Exception {
    CachePolicy policy = new CachePolicy(Set.of("configmaps", "secrets"), Set.of("secrets"), Set.of("configmaps"), Duration.ofSeconds(2));
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true).withCachePolicy(policy));
         HttpClient http = RawHttp.plain()) {
      var caches = bw.server().caches().orElseThrow();
      var stats = bw.server().readStats().orElseThrow();
      // Warmed at launch, before any request.
      await().atMost(Duration.ofSeconds(20)).until(() -> caches.size() == 1);

      long fromCache = stats.listsFromCache.get();
      assertThat(get(http, bw, "/api/v1/configmaps?resourceVersion=0")).isEqualTo(200);
      assertThat(stats.listsFromCache.get()).isEqualTo(fromCache + 1);

      long passed = stats.passedUpstream.get();
      assertThat(get(http, bw, "/api/v1/secrets?resourceVersion=0")).isEqualTo(200); // excluded
      assertThat(get(http, bw, "/api/v1/namespaces?resourceVersion=0")).isEqualTo(200); // not included
      assertThat(stats.passedUpstream.get()).isEqualTo(passed + 2);
      assertThat(caches.size()).isEqualTo(1);

      // Unused for the idle timeout and without watchers: stopped; the next read starts it again.
      await().atMost(Duration.ofSeconds(15)).until(() -> caches.size() == 0);
      await().atMost(Duration.ofSeconds(20)).until(() -> get(http, bw, "/api/v1/configmaps?resourceVersion=0") == 200 && caches.size() == 1);
    }
  }

  /**
   * {@code /readyz} on the admin listener answers 503 until the {@code --cache-warm} caches have synced: here the link
   * to the apiserver holds every byte, so discovery cannot answer and the warm-up cannot end; healed, the cache
   * syncs and readiness follows it (never before it).
   */
  @Test
  void readyOnlyOnceTheWarmCachesHaveSynced(LocalCluster cluster) throws Exception {
    CachePolicy policy = new CachePolicy(Set.of(), Set.of(), Set.of("configmaps"), Duration.ofMinutes(10));
    try (FaultyTcpProxy link = new FaultyTcpProxy(cluster.apiServerPort()); HttpClient http = RawHttp.plain()) {
      link.stall();
      try (Breakwater bw = Breakwater.start(Breakwater.config(link.kubeconfig(cluster.kubeconfig(), cluster.apiServerPort()),
          Optional.empty()).withCacheReads(true).withCachePolicy(policy))) {
        URI readyz = URI.create("http://127.0.0.1:" + bw.adminPort() + "/readyz");
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(r.body()).isEqualTo("[-]cache-warm:discovery not synced\nreadyz check failed\n");
          Thread.sleep(200);
        }
        link.heal();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
            http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        var caches = bw.server().caches().orElseThrow();
        assertThat(caches.warming()).isEmpty();
        assertThat(caches.size()).isEqualTo(1);
        assertThat(caches.health()).containsKey("configmaps");
      }
    }
  }

  static int get(HttpClient http, Breakwater bw, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(bw.url() + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
