package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Read-your-writes through the cache under concurrency: four writers, each writing a ConfigMap
 * (alternately straight to the apiserver and through Breakwater) and then reading it back through
 * Breakwater with a consistent LIST (field selector on its name) and a consistent GET — over a
 * thousand rounds; every read must include the write (resourceVersion at least the write's).
 */
@ExtendWith(ClusterExtension.class)
class ReadYourWritesE2ETest {

  static final String NS = "ryw";
  static final int WRITERS = 4;
  static final int ROUNDS = 300;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyConsistentReadSeesTheWriteBeforeIt(LocalCluster cluster, KubernetesClient k) throws Exception {
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
         HttpClient direct = RawHttp.direct(cluster); HttpClient plain = RawHttp.plain()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> plain.send(HttpRequest.newBuilder(URI.create(bw.url()
          + "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      AtomicInteger rounds = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < ROUNDS; i++) {
            String name = "w" + writer + "-" + (i % 10);
            boolean viaBreakwater = i % 2 == 1;
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"i\":\"" + i + "\"}}";
            String path = "/api/v1/namespaces/" + NS + "/configmaps/" + name + "?fieldManager=ryw";
            HttpRequest put = HttpRequest.newBuilder(viaBreakwater ? URI.create(bw.url() + path) : cluster.server().resolve(path))
                .header("Content-Type", "application/apply-patch+yaml").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> written = (viaBreakwater ? plain : direct).send(put, HttpResponse.BodyHandlers.ofString());
            assertThat(written.statusCode()).as(written.body()).isIn(200, 201);
            long writtenRv = Long.parseLong(JSON.readTree(written.body()).path("metadata").path("resourceVersion").asText());

            HttpResponse<String> list = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/namespaces/" + NS
                + "/configmaps?fieldSelector=metadata.name%3D" + name)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode items = JSON.readTree(list.body()).path("items");
            assertThat(items).as("%s round %d: %s", name, i, list.body()).hasSize(1);
            assertThat(items.get(0).path("metadata").path("resourceVersion").asLong()).as("%s round %d", name, i).isGreaterThanOrEqualTo(writtenRv);
            assertThat(items.get(0).path("data").path("i").asText()).isEqualTo(String.valueOf(i));

            HttpResponse<String> get = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/namespaces/" + NS
                + "/configmaps/" + name)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(get.body()).path("metadata").path("resourceVersion").asLong()).isGreaterThanOrEqualTo(writtenRv);
            rounds.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      assertThat(rounds.get()).isEqualTo(WRITERS * ROUNDS);
      var stats = bw.server().readStats().orElseThrow();
      System.out.printf("read-your-writes: %d rounds; lists from cache %d, gets from cache %d, passed upstream %d%n",
          rounds.get(), stats.listsFromCache.get(), stats.getsFromCache.get(), stats.passedUpstream.get());
      // Reads were served from the cache (writes through Breakwater and the odd timed-out wait go upstream).
      assertThat(stats.listsFromCache.get()).isGreaterThan(WRITERS * ROUNDS * 9L / 10);
    }
  }
}
