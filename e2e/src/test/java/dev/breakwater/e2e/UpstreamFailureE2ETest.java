package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Fixture;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What clients see when the upstream goes away: a watch through Breakwater ends cleanly when the
 * apiserver is killed; requests get a 503 Status quickly while it is down; Breakwater serves
 * again once it is back on the same port; an untrusted upstream certificate gives 502; a
 * graceful stop of Breakwater ends open watches cleanly. Uses its own cluster (it kills the
 * apiserver).
 */
class UpstreamFailureE2ETest {

  static LocalCluster cluster;
  static Breakwater bw;

  @BeforeAll
  static void start() {
    cluster = Clusters.startPrivate(LocalCluster.builder());
    bw = Breakwater.inFrontOf(cluster.kubeconfig(), Optional.empty());
  }

  @AfterAll
  static void stop() {
    if (bw != null) {
      bw.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void watchEndsCleanlyWhenUpstreamDiesThen503ThenRecovery() throws Exception {
    try (HttpClient http = RawHttp.plain()) {
      String base = bw.url() + "/api/v1/namespaces/default/configmaps";
      HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(base + "?watch=1&resourceVersion=0")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      BufferedReader events = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8));
      CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> {
        int lines = 0;
        try {
          while (events.readLine() != null) {
            lines++;
          }
          return lines;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String create = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"before-kill\"}}";
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(create)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(201);
      Thread.sleep(300);

      cluster.killApiServer();
      // A clean end of stream, not an I/O error: the client re-watches, as after an apiserver restart.
      assertThatCode(() -> drained.get(15, TimeUnit.SECONDS)).doesNotThrowAnyException();
      assertThat(drained.get()).isGreaterThanOrEqualTo(1);

      long t0 = System.nanoTime();
      HttpResponse<String> down = http.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(down.body()).startsWith("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"error trying to reach upstream")
          .contains("\"reason\":\"ServiceUnavailable\"", "\"code\":503");

      cluster.startApiServer();
      HttpResponse<String> back = http.send(HttpRequest.newBuilder(URI.create(base + "/before-kill")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(back.statusCode()).isEqualTo(200);
      assertThat(back.body()).contains("\"name\":\"before-kill\"");
    }
  }

  @Test
  void untrustedUpstreamCertificateIs502() throws Exception {
    Path otherPki = Files.createTempDirectory("other-pki");
    Process p = new ProcessBuilder(Fixture.binaries().fixtureCerts().toString(), "--dir", otherPki.toString()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String kubeconfig = Files.readString(cluster.kubeconfig())
        .replace(cluster.workDir().resolve("pki").resolve("ca.crt").toString(), otherPki.resolve("ca.crt").toString());
    Path kc = Files.createTempFile("wrong-ca", ".kubeconfig");
    Files.writeString(kc, kubeconfig);
    try (Breakwater wrong = Breakwater.inFrontOf(kc, Optional.empty()); HttpClient http = RawHttp.plain()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(wrong.url() + "/api/v1/namespaces")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("TLS handshake failed", "\"code\":502");
    }
  }

  @Test
  void gracefulStopEndsWatchesCleanly() throws Exception {
    Breakwater own = Breakwater.inFrontOf(cluster.kubeconfig(), Optional.empty());
    try (HttpClient http = RawHttp.plain()) {
      HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(
          URI.create(own.url() + "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      CompletableFuture<byte[]> body = CompletableFuture.supplyAsync(() -> {
        try {
          return watch.body().readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Thread.sleep(300);
      assertThat(own.server().streamsInFlight()).isEqualTo(1);
      long t0 = System.nanoTime();
      own.close();
      assertThatCode(() -> body.get(10, TimeUnit.SECONDS)).doesNotThrowAnyException();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    } finally {
      own.close();
    }
  }
}
