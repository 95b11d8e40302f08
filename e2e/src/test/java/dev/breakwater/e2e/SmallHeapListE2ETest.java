package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Fixture;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LIST responses are streamed from the cache, never assembled: Breakwater runs in its own JVM
 * with a heap just large enough for the cached objects (~48 MB of JSON) plus a small margin, and
 * answers four concurrent full LISTs of them — pretty-printed too, which the apiserver buffers
 * whole — which would need four more copies if any response were built in memory.
 */
@ExtendWith(ClusterExtension.class)
class SmallHeapListE2ETest {

  static final String NS = "bigdata";
  static final int OBJECTS = 480;
  static final int VALUE_BYTES = 100_000;

  @Test
  void concurrentLargeListsUnderASmallHeap(LocalCluster cluster, KubernetesClient k) throws Exception {
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    String value = "x".repeat(VALUE_BYTES);
    IntStream.range(0, OBJECTS).parallel().forEach(i -> k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("big-" + i).endMetadata().addToData("v", value).build()).serverSideApply());

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process bw = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
        "-jar", Fixture.repo().resolve("proxy/target/breakwater.jar").toString(), "serve", "--cache", "--cache-resources", "configmaps",
        "--cache-warm", "configmaps", "--kubeconfig", cluster.kubeconfig().toString(), "--listen", "127.0.0.1:" + port)
        .redirectErrorStream(true).start();
    List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(bw.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(output::add);
      } catch (java.io.IOException e) {
        // exited
      }
    });
    try (HttpClient http = RawHttp.plain()) {
      String url = "http://127.0.0.1:" + port + "/api/v1/namespaces/" + NS + "/configmaps";
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(URI.create(url + "?resourceVersion=0&limit=1"))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      List<CompletableFuture<Long>> lists = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String q = i % 2 == 0 ? "?resourceVersion=0" : "?resourceVersion=0&pretty=true";
        lists.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url + q)).build(), HttpResponse.BodyHandlers.ofInputStream())
            .thenApply(r -> {
              assertThat(r.statusCode()).isEqualTo(200);
              return drain(r.body());
            }));
      }
      for (CompletableFuture<Long> f : lists) {
        assertThat(f.get(120, TimeUnit.SECONDS)).as("bytes of one LIST").isGreaterThan((long) OBJECTS * VALUE_BYTES);
      }
      assertThat(bw.isAlive()).as("Breakwater still running: " + output).isTrue();
      assertThat(output).noneMatch(l -> l.contains("OutOfMemoryError"));
    } finally {
      bw.destroy();
      bw.waitFor(20, TimeUnit.SECONDS);
      // No namespace controller runs in the fixture: delete the objects themselves so other tests' caches stay small.
      k.configMaps().inNamespace(NS).delete();
    }
  }

  /** Reads slowly-ish (8 KiB at a time) so back-pressure, not buffering, is what keeps up. */
  static long drain(InputStream in) {
    byte[] buf = new byte[8192];
    long total = 0;
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return total;
  }
}
