package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.config.UpstreamHealth;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.FaultyTcpProxy;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The upstream connection's peer vanishes without a reset (a partition, a powered-off node: {@link
 * FaultyTcpProxy#freezeOpen}, every byte of the open connections held, nothing closed) while a client watches
 * through Breakwater. With the health check ({@code --upstream-read-idle-timeout} 1 s, {@code --upstream-ping-timeout}
 * 1 s here; client-go's 30 s / 15 s by default) the unanswered PING closes the connection, the cache's feed resumes
 * from its RV on a new connection (no relist), and the client's watch — never interrupted — gets the write made
 * meanwhile. The control, with the check off, shows the same write never arriving: the feed hangs on the dead
 * connection.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UpstreamKeepaliveE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSilentlyDeadUpstreamConnectionIsClosedAndTheFeedResumes(LocalCluster cluster, KubernetesClient k) throws Exception {
    List<String> seen = frozeThenWrote(cluster, k, "keepalive-on", new UpstreamHealth(Duration.ofSeconds(1), Duration.ofSeconds(1)),
        Duration.ofSeconds(20));
    assertThat(seen).as("the watch through Breakwater got the write made after the freeze").contains("ADDED after-freeze");
  }

  @Test
  void withoutTheCheckTheFeedHangsOnTheDeadConnection(LocalCluster cluster, KubernetesClient k) throws Exception {
    List<String> seen = frozeThenWrote(cluster, k, "keepalive-off", new UpstreamHealth(Duration.ZERO, Duration.ZERO),
        Duration.ofSeconds(6));
    assertThat(seen).as("control: no health check, the feed never hears of the write").doesNotContain("ADDED after-freeze");
  }

  /**
   * Starts Breakwater through a proxy, opens a watch of {@code ns}'s configmaps through it, freezes the proxy's open
   * connections, writes a ConfigMap straight to the apiserver and returns what the watch saw within {@code wait}.
   */
  private static List<String> frozeThenWrote(LocalCluster cluster, KubernetesClient k, String ns, UpstreamHealth health,
      Duration wait) throws Exception {
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    HttpClient plain = RawHttp.plain();
    try (FaultyTcpProxy link = new FaultyTcpProxy(cluster.apiServerPort());
         Breakwater bw = Breakwater.start(Breakwater.config(link.kubeconfig(cluster.kubeconfig(), cluster.apiServerPort()),
             Optional.empty()).withCacheReads(true).withUpstreamHealth(health))) {
      String base = bw.url() + "/api/v1/namespaces/" + ns + "/configmaps";
      await().atMost(Duration.ofSeconds(30)).until(() -> plain.send(HttpRequest.newBuilder(URI.create(base + "?resourceVersion=0"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      var caches = bw.server().caches().orElseThrow();
      var resource = caches.resource("", "v1", "configmaps").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
          .orElseThrow();
      Cacher cacher = caches.cacheFor(resource);
      long relists = cacher.reflector().relists();
      String rv = JSON.readTree(plain.send(HttpRequest.newBuilder(URI.create(base + "?resourceVersion=0")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).path("metadata").path("resourceVersion").asText();
      List<String> seen = new CopyOnWriteArrayList<>();
      plain.sendAsync(HttpRequest.newBuilder(URI.create(base + "?watch=1&timeoutSeconds=60&resourceVersion=" + rv)).build(),
          HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
            try {
              JsonNode e = JSON.readTree(line);
              seen.add(e.path("type").asText() + " " + e.path("object").path("metadata").path("name").asText());
            } catch (Exception ex) {
              seen.add("unreadable " + line);
            }
          }));
      k.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("before-freeze").endMetadata()
          .build()).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("ADDED before-freeze"));

      long closedBefore = Upstream.connectionsClosedUnanswered();
      link.freezeOpen();
      long t0 = System.nanoTime();
      k.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("after-freeze").endMetadata()
          .build()).create();
      try {
        await().atMost(wait).until(() -> seen.contains("ADDED after-freeze"));
        System.out.printf("UpstreamKeepaliveE2ETest %s: the write reached the watch %d ms after the freeze%n", ns,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(Upstream.connectionsClosedUnanswered()).as("the dead connection was closed by the check")
            .isGreaterThan(closedBefore);
        assertThat(cacher.reflector().relists()).as("the feed resumed from its RV, no relist").isEqualTo(relists);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        System.out.printf("UpstreamKeepaliveE2ETest %s: the write did not reach the watch in %s%n", ns, wait);
        assertThat(Upstream.connectionsClosedUnanswered()).isEqualTo(closedBefore);
      }
      return List.copyOf(seen);
    } finally {
      plain.shutdownNow();
    }
  }
}
