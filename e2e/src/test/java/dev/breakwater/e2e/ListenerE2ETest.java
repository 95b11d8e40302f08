package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.config.HostPort;
import dev.breakwater.config.ServeConfig;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The main listener's protocols (HTTP/1.1, h2c, HTTP/2 over TLS with ALPN), the admin listener
 * kept apart from it, and byte-identical pass-through compared with the apiserver directly.
 */
@ExtendWith(ClusterExtension.class)
class ListenerE2ETest {

  @Test
  void http2OverTlsAndHttp11(LocalCluster cluster) throws Exception {
    Path pki = cluster.workDir().resolve("pki");
    ServeConfig tls = new ServeConfig(cluster.kubeconfig(), Optional.empty(), new HostPort("127.0.0.1", 0), Optional.empty(),
        Optional.of(pki.resolve("apiserver.crt")), Optional.of(pki.resolve("apiserver.key")), Duration.ofSeconds(2), Duration.ofSeconds(2));
    try (Breakwater bw = Breakwater.start(tls)) {
      assertThat(bw.url()).startsWith("https://127.0.0.1:");
      // The upstream kubeconfig's CA also signed the serving certificate reused here.
      for (HttpClient.Version v : HttpClient.Version.values()) {
        try (HttpClient http = HttpClient.newBuilder().version(v).sslContext(RawHttp.sslContext(cluster.kubeconfig())).build()) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/namespaces/default")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.version()).isEqualTo(v);
          assertThat(r.body()).contains("\"name\":\"default\"");
        }
      }
    }
  }

  @Test
  void h2cUpgradeOnPlainListener(Breakwater bw) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bw.url() + "/version")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"gitVersion\": \"v1.36.3\"");
    }
  }

  @Test
  void adminListenerIsSeparate(Breakwater bw) throws Exception {
    try (HttpClient http = RawHttp.plain()) {
      HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(admin.statusCode()).isEqualTo(200);
      assertThat(admin.body()).isEqualTo("ok");
      // /readyz on the main listener is the upstream's, with its verbose form.
      HttpResponse<String> upstream = http.send(HttpRequest.newBuilder(URI.create(bw.url() + "/readyz?verbose")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(upstream.statusCode()).isEqualTo(200);
      assertThat(upstream.body()).contains("[+]etcd ok", "readyz check passed");
    }
  }

  @Test
  void bodiesAndEndToEndHeadersAreUnchanged(Breakwater bw, LocalCluster cluster) throws Exception {
    String path = "/api/v1/namespaces/kube-system?resourceVersion=0";
    try (HttpClient direct = RawHttp.direct(cluster); HttpClient plain = RawHttp.plain()) {
      HttpResponse<byte[]> d = direct.send(HttpRequest.newBuilder(cluster.server().resolve(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<byte[]> t = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(t.statusCode()).isEqualTo(d.statusCode()).isEqualTo(200);
      assertThat(new String(t.body())).isEqualTo(new String(d.body()));
      for (String h : new String[] {"Content-Type", "Cache-Control", "X-Kubernetes-Pf-Flowschema-Uid", "X-Kubernetes-Pf-Prioritylevel-Uid"}) {
        assertThat(t.headers().firstValue(h)).as(h).isEqualTo(d.headers().firstValue(h));
      }
      assertThat(t.headers().firstValue("Audit-Id")).isPresent();

      // Pretty-printing is decided upstream from the client's User-Agent, so it must pass through.
      HttpResponse<String> curl = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + path)).header("User-Agent", "curl/8.5.0").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(curl.body()).startsWith("{\n  \"kind\": \"Namespace\"");

      // A large gzip-encoded LIST is passed through still compressed.
      HttpResponse<byte[]> gz = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + "/openapi/v2")).header("Accept-Encoding", "gzip").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
      assertThat(gz.body()[0] & 0xff).isEqualTo(0x1f);
      assertThat(gz.body()[1] & 0xff).isEqualTo(0x8b);
    }
  }
}
